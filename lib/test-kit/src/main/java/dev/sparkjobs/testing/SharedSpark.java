package dev.sparkjobs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One SparkSession per test JVM (local[2], Delta enabled, two shuffle partitions, UI off), created
 * lazily and stopped by JUnit's root store when the JVM's tests are done. Inject it as a test or
 * lifecycle method parameter: {@code @ExtendWith(SharedSpark.class) ... void test(SparkSession spark)}.
 */
public final class SharedSpark
        implements ParameterResolver
{
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSpark.class);
    /**
     * The Delta log stores a run sets (delta.log-store = conditional-put), named here because this
     * kit depends on no module of the project; the runtime's tests pin that they are the runtime's.
     */
    public static final Map<String, String> LOG_STORES = Map.of(
            "spark.delta.logStore.file.impl", "dev.sparkjobs.internal.delta.logstore.LocalExclusiveLogStore",
            "spark.delta.logStore.s3a.impl", "dev.sparkjobs.internal.delta.logstore.S3ConditionalPutLogStore",
            "spark.delta.logStore.s3.impl", "dev.sparkjobs.internal.delta.logstore.S3ConditionalPutLogStore");

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
    {
        return parameterContext.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
    {
        return session(extensionContext);
    }

    public static SparkSession session(ExtensionContext context)
    {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("spark", key -> new Holder(), Holder.class).spark;
    }

    private static final class Holder
            implements ExtensionContext.Store.CloseableResource
    {
        private final SparkSession spark;

        Holder()
        {
            Path warehouse;
            try {
                warehouse = Files.createTempDirectory("spark-warehouse");
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SparkSession.Builder builder = SparkSession.builder();
            LOG_STORES.forEach(builder::config);
            spark = builder
                    .master("local[2]")
                    .appName("spark-jobs tests")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.default.parallelism", "2")
                    .config("spark.sql.adaptive.enabled", "false")
                    .config("spark.sql.session.timeZone", "UTC")
                    .config("spark.sql.warehouse.dir", warehouse.toUri().toString())
                    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                    .config("spark.databricks.delta.snapshotPartitions", "2")
                    .getOrCreate();
        }

        @Override
        public void close()
        {
            spark.stop();
        }
    }
}
