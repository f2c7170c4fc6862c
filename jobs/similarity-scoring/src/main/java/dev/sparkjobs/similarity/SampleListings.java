package dev.sparkjobs.similarity;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import dev.sparkjobs.api.SampleDataGenerator;

/**
 * Sample marketplace listings with clustered embeddings (brands, then products, then listings),
 * generated on the executors and deterministic for a seed. Of {@code scale} listings: 70%
 * genuine (sellers authorized for the brand), 5% legitimate resellers (authorized, near-identical
 * copies at a normal price), 8% planted counterfeits (noisy copies of a genuine listing's
 * embedding, near-copied title, 30-60% of the genuine price, unauthorized sellers), 7% grey-market
 * listings (unauthorized, same product, normal price: must not be flagged), 10% cheap generic
 * items only loosely like a brand's product, and a few bad rows. Writes {@code listings/}
 * (Parquet), {@code authorized_sellers/} (CSV) and {@code ground_truth/} (Parquet: listing_id,
 * role, copied_listing_id), which the job never reads.
 */
public final class SampleListings
        implements SampleDataGenerator
{
    public static final int DEFAULT_DIMENSION = 128;
    /** The dimension when the CLI passes no {@code dim} parameter ({@code sample-data --dim N}). */
    public static final LocalDate SNAPSHOT_DATE = LocalDate.of(2024, 9, 30);

    static final StructType GENERATED = new StructType()
            .add("listing_id", DataTypes.StringType)
            .add("seller_id", DataTypes.StringType)
            .add("brand", DataTypes.StringType)
            .add("title", DataTypes.StringType)
            .add("price", DataTypes.DoubleType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, true))
            .add("listed_at", DataTypes.TimestampType)
            .add("role", DataTypes.StringType)
            .add("copied_listing_id", DataTypes.StringType);

    private static final String[] BRANDS = {"Aurora", "Borealis", "Cascade", "Dune", "Ember", "Fjord", "Glacier", "Harbor", "Iris", "Juniper",
            "Kestrel", "Lumen", "Meridian", "Nimbus", "Onyx", "Pinnacle", "Quartz", "Redwood", "Sierra", "Tundra"};
    private static final String[] WORDS = {"classic", "pro", "ultra", "air", "trail", "urban", "vintage", "sport", "lite", "max", "prime",
            "nova", "flex", "core", "edge", "wave", "storm", "peak", "zen", "bold"};
    private static final String[] CATEGORIES = {"sneakers", "handbag", "watch", "sunglasses", "headphones", "backpack", "wallet", "jacket",
            "perfume", "belt"};
    private static final String[] COUNTERFEIT_SUFFIXES = {" best price", " free shipping", " hot sale", " 2024 new", ""};

    private final Integer dimension;

    /** Dimension from the request's {@code dim} parameter, else the system property, else 128. */
    public SampleListings()
    {
        this.dimension = null;
    }

    public SampleListings(int dimension)
    {
        if (dimension < 2) {
            throw new IllegalArgumentException("dimension must be at least 2, got " + dimension);
        }
        this.dimension = dimension;
    }

    @Override
    public int defaultScale()
    {
        return 3000;
    }

    @Override
    public SampleData generate(Request request)
    {
        int dim = dimension != null ? dimension : requestedDimension(request);
        Layout layout = Layout.of(request.scale(), dim, request.seed());
        String root = request.outputDirectory().replaceAll("/+$", "");
        int partitions = (int) Math.max(1, Math.min(200, request.scale() / 50_000 + 1));
        Dataset<Row> generated = request.spark().range(0, request.scale(), 1, partitions)
                .mapPartitions((MapPartitionsFunction<Long, Row>) ids -> {
                    List<Row> rows = new ArrayList<>();
                    ids.forEachRemaining(id -> rows.add(layout.listing(id)));
                    return rows.iterator();
                }, Encoders.row(GENERATED))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            generated.drop("role", "copied_listing_id").write().mode(SaveMode.Overwrite).parquet(root + "/listings");
            generated.select("listing_id", "role", "copied_listing_id").write().mode(SaveMode.Overwrite).parquet(root + "/ground_truth");
        }
        finally {
            generated.unpersist(false);
        }
        request.spark().createDataFrame(layout.authorizedSellers(), new StructType().add("brand", DataTypes.StringType).add("seller_id", DataTypes.StringType))
                .coalesce(1).write().mode(SaveMode.Overwrite).option("header", "true").csv(root + "/authorized_sellers");
        return new SampleData(Map.of("input.listings", root + "/listings", "input.authorized-sellers", root + "/authorized_sellers"), SNAPSHOT_DATE,
                String.format(java.util.Locale.ROOT, "Wrote %d listings (%d-d embeddings; %d brands, %d products; %d planted counterfeits, %d bad rows) "
                                + "to %s/listings, authorized sellers to %s/authorized_sellers and the ground truth (not read by the job) to %s/ground_truth.",
                        request.scale(), dim, layout.brands(), layout.products(), layout.counterfeits(), layout.badRows(), root, root, root));
    }

    /** The {@code dim} sample parameter ({@code --dim N} or {@code --param dim=N}), else 128. */
    private static int requestedDimension(Request request)
    {
        return request.intParameter("dim", DEFAULT_DIMENSION);
    }

    /** Which listing index plays which role, and how each listing is derived. */
    record Layout(int scale, int dimension, long seed, int genuine, int resellers, int counterfeits, int greyMarket, int unrelated, int badRows,
            int brands, int products)
            implements Serializable
    {
        static Layout of(int scale, int dimension, long seed)
        {
            int badRows = scale < 50 ? 0 : Math.max(5, scale / 500);
            int usable = scale - badRows;
            int genuine = Math.max(1, (int) (usable * 0.70));
            int resellers = (int) (usable * 0.05);
            int counterfeits = (int) (usable * 0.08);
            int greyMarket = (int) (usable * 0.07);
            int unrelated = usable - genuine - resellers - counterfeits - greyMarket;
            int brands = Math.max(3, scale / 1500);
            int products = Math.max(brands, genuine / 14);
            return new Layout(scale, dimension, seed, genuine, resellers, counterfeits, greyMarket, unrelated, badRows, brands, products);
        }

        List<Row> authorizedSellers()
        {
            List<Row> rows = new ArrayList<>();
            for (int brand = 0; brand < brands; brand++) {
                rows.add(RowFactory.create(brandName(brand), "brand-" + brand + "-store"));
                rows.add(RowFactory.create(brandName(brand), "brand-" + brand + "-outlet"));
                rows.add(RowFactory.create(brandName(brand), "reseller-" + (brand % 10)));
            }
            return rows;
        }

        Row listing(long index)
        {
            int i = (int) index;
            SplittableRandom random = random(7, i);
            Timestamp listedAt = Timestamp.valueOf(SNAPSHOT_DATE.minusDays(random.nextInt(30)).atStartOfDay().plusSeconds(random.nextInt(86_400)));
            if (i < genuine) {
                int product = i % products;
                int brand = product % brands;
                String seller = "brand-" + brand + "-" + (i % 2 == 0 ? "store" : "outlet");
                return row(i, seller, brand, productTitle(product), basePrice(product) * (0.95 + 0.10 * random.nextDouble()), genuineEmbedding(i),
                        listedAt, "genuine", null);
            }
            int offset = i - genuine;
            if (offset < resellers) {
                int target = random.nextInt(genuine);
                int product = target % products;
                int brand = product % brands;
                return row(i, "reseller-" + (brand % 10), brand, productTitle(product), basePrice(product) * (0.9 + 0.2 * random.nextDouble()),
                        noisy(genuineEmbedding(target), 0.05, random(11, i)), listedAt, "legitimate_reseller", id(target));
            }
            offset -= resellers;
            if (offset < counterfeits) {
                int target = random.nextInt(genuine);
                int product = target % products;
                int brand = product % brands;
                String title = typo(productTitle(product), random) + COUNTERFEIT_SUFFIXES[random.nextInt(COUNTERFEIT_SUFFIXES.length)];
                return row(i, "shop-x" + random.nextInt(Math.max(1, counterfeits / 5)), brand, title,
                        basePrice(product) * (0.3 + 0.3 * random.nextDouble()), noisy(genuineEmbedding(target), 0.25, random(13, i)), listedAt,
                        "counterfeit", id(target));
            }
            offset -= counterfeits;
            if (offset < greyMarket) {
                int product = random.nextInt(products);
                int brand = product % brands;
                return row(i, "shop-g" + random.nextInt(Math.max(1, greyMarket / 5)), brand, productTitle(product) + " imported",
                        basePrice(product) * (0.85 + 0.3 * random.nextDouble()), noisy(productCenter(product), 0.2, random(17, i)), listedAt,
                        "grey_market", null);
            }
            offset -= greyMarket;
            if (offset < unrelated) {
                int product = random.nextInt(products);
                int brand = product % brands;
                String title = CATEGORIES[random.nextInt(CATEGORIES.length)] + " accessory " + WORDS[random.nextInt(WORDS.length)] + " for " + brandName(brand);
                return row(i, "shop-u" + random.nextInt(Math.max(1, unrelated / 5)), brand, title, 2 + 18 * random.nextDouble(),
                        noisy(productCenter(product), 1.5, random(19, i)), listedAt, "unrelated", null);
            }
            return badRow(i, offset - unrelated, listedAt);
        }

        private Row badRow(int i, int which, Timestamp listedAt)
        {
            int product = i % products;
            int brand = product % brands;
            float[] embedding = genuineEmbedding(i % Math.max(1, genuine));
            double price = basePrice(product);
            switch (which % 5) {
                case 0 -> embedding = null;
                case 1 -> embedding = java.util.Arrays.copyOf(embedding, dimension - 1);
                case 2 -> embedding[dimension / 2] = Float.NaN;
                case 3 -> price = 0;
                default -> price = -5;
            }
            return row(i, "shop-b" + which, brand, productTitle(product), price, embedding, listedAt, "bad_row", null);
        }

        private Row row(int i, String seller, int brand, String title, double price, float[] embedding, Timestamp listedAt, String role, String copied)
        {
            return RowFactory.create(id(i), seller, brandName(brand), title, Math.round(price * 100) / 100.0, embedding, listedAt, role, copied);
        }

        static String id(int index)
        {
            return String.format("L%08d", index);
        }

        private static String brandName(int brand)
        {
            return BRANDS[brand % BRANDS.length] + (brand >= BRANDS.length ? " " + (brand / BRANDS.length + 1) : "");
        }

        private String productTitle(int product)
        {
            SplittableRandom random = random(23, product);
            return brandName(product % brands) + " " + WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)] + " "
                    + CATEGORIES[random.nextInt(CATEGORIES.length)] + " model " + (product / brands);
        }

        private double basePrice(int product)
        {
            return 20 + 480 * random(29, product).nextDouble();
        }

        private float[] brandCenter(int brand)
        {
            return gaussian(random(31, brand), 1.0);
        }

        private float[] productCenter(int product)
        {
            float[] center = brandCenter(product % brands);
            float[] offset = gaussian(random(37, product), 0.9);
            for (int d = 0; d < dimension; d++) {
                center[d] += offset[d];
            }
            return center;
        }

        private float[] genuineEmbedding(int index)
        {
            return noisy(productCenter(index % products), 0.2, random(41, index));
        }

        private float[] noisy(float[] base, double scale, SplittableRandom random)
        {
            float[] noise = gaussian(random, scale);
            float[] result = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                result[d] = base[d] + noise[d];
            }
            return result;
        }

        private float[] gaussian(SplittableRandom random, double scale)
        {
            float[] values = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                values[d] = (float) (random.nextGaussian() * scale);
            }
            return values;
        }

        private static String typo(String title, SplittableRandom random)
        {
            char[] chars = title.toCharArray();
            int position = 1 + random.nextInt(Math.max(1, chars.length - 2));
            if (Character.isLetter(chars[position]) && Character.isLetter(chars[position - 1])) {
                char swapped = chars[position];
                chars[position] = chars[position - 1];
                chars[position - 1] = swapped;
            }
            return new String(chars);
        }

        private SplittableRandom random(int stream, long index)
        {
            return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL);
        }
    }
}
