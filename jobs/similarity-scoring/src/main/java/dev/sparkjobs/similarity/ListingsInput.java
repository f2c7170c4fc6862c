package dev.sparkjobs.similarity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

import dev.sparkjobs.api.InputFormat;
import dev.sparkjobs.api.JobContext;
import dev.sparkjobs.api.RejectsPolicy;
import dev.sparkjobs.errors.Errors;

/**
 * Reads the listings snapshot of the run's date and the authorized sellers, checks the embedding
 * dimension, and splits the listings into valid ones and rejects.
 */
final class ListingsInput
{
    static final String LISTINGS = "listings";
    static final String AUTHORIZED_SELLERS = "authorized-sellers";
    static final List<String> LISTING_COLUMNS = List.of("listing_id", "seller_id", "brand", "title", "price", "embedding", "listed_at");
    /** The position (from 1) of the first null, NaN or infinite value of the embedding. */
    private static final String FIRST_NON_FINITE = "element_at(filter(sequence(1, size(embedding)), i -> embedding[i - 1] IS NULL "
            + "OR isnan(embedding[i - 1]) OR abs(embedding[i - 1]) = double('Infinity')), 1)";

    private ListingsInput() {}

    /** The listings with typed columns, a brand key, the genuine flag and the reject reason (null for valid rows). */
    static Checked read(JobContext context, int configuredDimension, RejectsPolicy rejects)
    {
        Dataset<Row> raw = context.readInput(LISTINGS, InputFormat.AUTO);
        String key = "input." + LISTINGS;
        String corruptColumn = context.spark().conf().get("spark.sql.columnNameOfCorruptRecord");
        List<String> present = List.of(raw.columns());
        if (present.equals(List.of(corruptColumn))) {
            List<String> files = context.inputFiles(LISTINGS);
            throw Errors.invalidInput(key, "no line of " + (files.size() == 1 ? files.get(0) : "the " + files.size() + " files under "
                            + context.inputLocation(LISTINGS) + " (e.g. " + files.get(0) + ")") + " is a JSON object",
                    "Write the listings as JSON Lines (one object per line with " + String.join(", ", LISTING_COLUMNS) + ") or as Parquet.");
        }
        List<String> missing = LISTING_COLUMNS.stream().filter(column -> !present.contains(column)).toList();
        if (!missing.isEmpty()) {
            throw Errors.missingInputColumns(key, firstFile(context, LISTINGS), missing,
                    "listings need " + String.join(", ", LISTING_COLUMNS) + "; embedding is an array of floats");
        }
        DataType embeddingType = raw.schema().apply("embedding").dataType();
        if (!(embeddingType instanceof ArrayType array) || !(array.elementType() instanceof NumericType)) {
            throw Errors.invalidInput(key, "column embedding is " + embeddingType.simpleString() + " in " + firstFile(context, LISTINGS)
                    + ", expected an array of numbers", "Write each embedding as an array of floats (Parquet list<float> or a JSON array).");
        }
        Timestamp endOfDay = Timestamp.valueOf(context.logicalDate().plusDays(1).atStartOfDay());
        Dataset<Row> listings = raw.select(
                        col("listing_id").cast(DataTypes.StringType).as("listing_id"),
                        col("seller_id").cast(DataTypes.StringType).as("seller_id"),
                        col("brand").cast(DataTypes.StringType).as("brand"),
                        col("title").cast(DataTypes.StringType).as("title"),
                        col("price").cast(DataTypes.DoubleType).as("price"),
                        col("embedding").cast(DataTypes.createArrayType(DataTypes.DoubleType)).as("embedding"),
                        col("listed_at").cast(DataTypes.TimestampType).as("listed_at"),
                        present.contains(corruptColumn) ? col(corruptColumn).as("malformed_line") : lit(null).cast(DataTypes.StringType).as("malformed_line"),
                        input_file_name().as("source_file"))
                .filter(col("listed_at").isNull().or(col("listed_at").lt(lit(endOfDay))));

        Dataset<Row> authorized = context.readInput(AUTHORIZED_SELLERS, InputFormat.AUTO);
        List<String> authorizedColumns = List.of(authorized.columns());
        List<String> missingAuthorized = List.of("brand", "seller_id").stream().filter(column -> !authorizedColumns.contains(column)).toList();
        if (!missingAuthorized.isEmpty()) {
            throw Errors.missingInputColumns("input." + AUTHORIZED_SELLERS, firstFile(context, AUTHORIZED_SELLERS), missingAuthorized,
                    "authorized sellers are a CSV with brand, seller_id");
        }

        int dimension = dimension(listings, configuredDimension, rejects, key);
        Dataset<Row> withCopies = withCopies(context, listings);
        Dataset<Row> authorizedKeys = authorized
                .select(brandKey(col("brand")).as("authorized_brand_key"), trim(col("seller_id").cast(DataTypes.StringType)).as("authorized_seller_id"))
                .where(col("authorized_brand_key").isNotNull().and(col("authorized_seller_id").isNotNull()))
                .distinct();

        Dataset<Row> keyed = withCopies.withColumn("brand_key", brandKey(col("brand")));
        Dataset<Row> withGenuine = keyed
                .join(authorizedKeys, keyed.col("brand_key").equalTo(authorizedKeys.col("authorized_brand_key"))
                        .and(trim(keyed.col("seller_id")).equalTo(authorizedKeys.col("authorized_seller_id"))), "left")
                .withColumn("genuine", col("authorized_seller_id").isNotNull())
                .drop("authorized_brand_key", "authorized_seller_id");
        return new Checked(withGenuine.withColumn("reject_reason", rejectReason(dimension)).withColumn("reject_detail", rejectDetail(dimension))
                .drop("malformed_line", "listing_copies", "copies_example_file"), dimension);
    }

    /**
     * The listings with listing_copies, the number of rows of the snapshot with their listing_id
     * when there are several (else null), and copies_example_file. Every copy is rejected, none
     * kept: which row is right cannot be known (a stale export, two sellers colliding on an id),
     * and a fraud score from the wrong one would be worse than none. Only the ids are aggregated;
     * the duplicated ones are joined back only when there are some (a small cached side, which
     * Spark broadcasts), so a clean snapshot is not shuffled for this.
     */
    private static Dataset<Row> withCopies(JobContext context, Dataset<Row> listings)
    {
        Dataset<Row> duplicated = context.persist(listings.where(col("listing_id").isNotNull())
                .groupBy(col("listing_id").as("duplicated_id"))
                .agg(count(lit(1)).as("listing_copies"), min(col("source_file")).as("copies_example_file"))
                .where(col("listing_copies").gt(1)));
        // count(), not isEmpty(): it materialises the whole cache, whose measured size lets Spark broadcast it
        if (duplicated.count() == 0) {
            context.release(duplicated);
            return listings.withColumn("listing_copies", lit(null).cast(DataTypes.LongType))
                    .withColumn("copies_example_file", lit(null).cast(DataTypes.StringType));
        }
        return listings.join(duplicated, listings.col("listing_id").equalTo(duplicated.col("duplicated_id")), "left").drop("duplicated_id");
    }

    /** Listings, each with reject_reason (null when valid) and reject_detail. */
    record Checked(Dataset<Row> listings, int dimension) {}

    static Column brandKey(Column brand)
    {
        return lower(trim(brand));
    }

    private static Column nonFinite()
    {
        return expr("exists(embedding, x -> x IS NULL OR isnan(x) OR x = double('Infinity') OR x = double('-Infinity'))");
    }

    private static Column allZero()
    {
        return expr("forall(embedding, x -> x = 0)");
    }

    private static Column duplicated()
    {
        return col("listing_copies").isNotNull();
    }

    private static Column rejectReason(int dimension)
    {
        return when(col("malformed_line").isNotNull(), lit(RejectReason.MALFORMED_RECORD.value()))
                .when(col("listing_id").isNull(), lit(RejectReason.MISSING_LISTING_ID.value()))
                .when(duplicated(), lit(RejectReason.DUPLICATE_LISTING_ID.value()))
                .when(col("embedding").isNull(), lit(RejectReason.NULL_EMBEDDING.value()))
                .when(size(col("embedding")).notEqual(lit(dimension)), lit(RejectReason.WRONG_DIMENSION.value()))
                .when(nonFinite(), lit(RejectReason.NON_FINITE_EMBEDDING.value()))
                .when(allZero(), lit(RejectReason.ZERO_EMBEDDING.value()))
                .when(col("price").isNull(), lit(RejectReason.MISSING_PRICE.value()))
                .when(col("price").leq(lit(0.0)).or(expr("isnan(price)")), lit(RejectReason.NON_POSITIVE_PRICE.value()));
    }

    private static Column rejectDetail(int dimension)
    {
        Column values = coalesce(size(col("embedding")).cast(DataTypes.StringType), lit("no"));
        Column line = col("malformed_line");
        return when(line.isNotNull(), concat(lit("a line of "), col("source_file"), lit(" is not a JSON object of the listings' columns: '"),
                        expr("substring(malformed_line, 1, 200)"), when(expr("length(malformed_line) > 200"), lit("...")).otherwise(lit("")),
                        lit("'. Fix or remove the line")))
                .when(col("listing_id").isNull(), concat(lit("listing_id is null in "), col("source_file")))
                .when(duplicated(), concat(lit("listing_id "), col("listing_id"), lit(" is in "), col("listing_copies").cast(DataTypes.StringType),
                        lit(" rows of the snapshot (e.g. "), col("copies_example_file"), lit("); none of them is scored, since which one is right "
                                + "cannot be known. Keep one row per listing_id in the listings (drop the stale copies) and re-run the date")))
                .when(col("embedding").isNull(), lit("embedding is null"))
                .when(size(col("embedding")).notEqual(lit(dimension)), concat(lit("embedding has "), values, lit(" values, expected " + dimension)))
                .when(nonFinite(), concat(lit("embedding value "), expr(FIRST_NON_FINITE).cast(DataTypes.StringType), lit(" of " + dimension + " is "),
                        coalesce(expr("element_at(embedding, " + FIRST_NON_FINITE + ")").cast(DataTypes.StringType), lit("null"))))
                .when(allZero(), lit("embedding is all zeros, so it has no direction"))
                .when(col("price").isNull(), lit("price is null"))
                .when(col("price").leq(lit(0.0)).or(expr("isnan(price)")), concat(lit("price = "), col("price").cast(DataTypes.StringType)));
    }

    /**
     * The embedding dimension: the configured one, else the most common length. Rows of another
     * length are rejects while they are few; when they exceed the reject fraction the input mixes
     * embedding models, which is an error naming the dimensions and an example listing.
     */
    private static int dimension(Dataset<Row> listings, int configured, RejectsPolicy rejects, String key)
    {
        List<Row> lengths = listings.where(col("embedding").isNotNull())
                .groupBy(size(col("embedding")).as("length"))
                .agg(count(lit(1)).as("listings"))
                .collectAsList();
        if (lengths.isEmpty()) {
            return Math.max(configured, 1);
        }
        long total = lengths.stream().mapToLong(row -> row.getLong(1)).sum();
        Row modal = lengths.stream().max(Comparator.comparingLong((Row row) -> row.getLong(1)).thenComparingInt(row -> -row.getInt(0))).orElseThrow();
        int expected = configured > 0 ? configured : modal.getInt(0);
        long matching = lengths.stream().filter(row -> row.getInt(0) == expected).mapToLong(row -> row.getLong(1)).sum();
        long other = total - matching;
        if (!rejects.tolerates(other, total)) {
            Row found = lengths.stream().filter(row -> row.getInt(0) != expected)
                    .max(Comparator.comparingLong(row -> row.getLong(1))).orElseThrow();
            int foundLength = found.getInt(0);
            Row example = listings.where(col("embedding").isNotNull().and(size(col("embedding")).equalTo(lit(foundLength))))
                    .select("listing_id", "source_file").limit(1).collectAsList().get(0);
            String source = configured > 0 ? "embedding.dimension = " + configured : "the most common embedding length";
            throw Errors.invalidInput(key, String.format(Locale.ROOT,
                            "embeddings do not share one dimension: expected %d (%s) but found %d in %d of %d listings, "
                                    + "e.g. listing_id %s in %s", expected, source, foundLength, found.getLong(1), total,
                            example.getString(0), example.getString(1)),
                    "All embeddings must come from one model: re-embed the listings with the same model, point " + key
                            + " at one model's output, or set embedding.dimension to the intended length.");
        }
        return expected;
    }

    private static String firstFile(JobContext context, String input)
    {
        List<String> files = new ArrayList<>(context.inputFiles(input));
        return files.isEmpty() ? context.inputLocation(input) : files.get(0);
    }

}
