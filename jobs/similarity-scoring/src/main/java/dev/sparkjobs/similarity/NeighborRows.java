package dev.sparkjobs.similarity;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Partial top-k results (listing_id, partial: {@link TopK#toBytes()}) merged into ranked neighbour rows. */
public final class NeighborRows
{
    public static final StructType PARTIAL = new StructType()
            .add("listing_id", DataTypes.StringType, false)
            .add("partial", DataTypes.BinaryType, false);

    public static final StructType RANKED = new StructType()
            .add("listing_id", DataTypes.StringType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("neighbor_id", DataTypes.StringType, false)
            .add("cosine", DataTypes.DoubleType, false);

    private NeighborRows() {}

    /** One row per listing and rank 1..k: the best k of all partial results of each listing. */
    public static Dataset<Row> merge(Dataset<Row> partials, int k)
    {
        return merge(partials, k, Integer.parseInt(partials.sparkSession().conf().get("spark.sql.shuffle.partitions")));
    }

    /** As {@link #merge(Dataset, int)}, shuffling the partial results into {@code partitions} partitions. */
    public static Dataset<Row> merge(Dataset<Row> partials, int k, int partitions)
    {
        return partials
                .repartition(partitions, col("listing_id"))
                .groupBy(col("listing_id")).as(Encoders.STRING(), Encoders.row(PARTIAL))
                .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (listingId, rows) -> {
                    TopK best = new TopK(k);
                    rows.forEachRemaining(row -> best.merge((byte[]) row.get(1)));
                    List<Row> ranked = new ArrayList<>(k);
                    int rank = 1;
                    for (TopK.Neighbor neighbor : best.sorted()) {
                        double cosine = Math.max(-1.0, Math.min(1.0, neighbor.cosine()));
                        ranked.add(RowFactory.create(listingId, rank++, neighbor.id(), cosine));
                    }
                    return ranked.iterator();
                }, Encoders.row(RANKED));
    }
}
