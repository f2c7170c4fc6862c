package dev.sparkjobs.api;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Map;

import org.apache.spark.sql.SparkSession;

/** Writes realistic, reproducible sample inputs for a job. */
public interface SampleDataGenerator
{
    /** The scale used by {@code demo} and by {@code sample-data} without {@code --scale}. */
    int defaultScale();

    SampleData generate(Request request);

    /**
     * Where and how much to generate. {@code outputDirectory} is a local path or a URI;
     * {@code parameters} are job-specific ({@code --param key=value}, e.g. {@code dim} from {@code --dim}).
     */
    record Request(SparkSession spark, String outputDirectory, int scale, long seed, Map<String, String> parameters)
    {
        public Request
        {
            requireNonNull(spark, "spark is null");
            requireNonNull(outputDirectory, "outputDirectory is null");
            parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
            if (scale < 1) {
                throw new IllegalArgumentException("scale must be at least 1, got " + scale);
            }
        }

        public Request(SparkSession spark, String outputDirectory, int scale, long seed)
        {
            this(spark, outputDirectory, scale, seed, Map.of());
        }

        /** A job-specific integer parameter, or {@code defaultValue} when it was not given. */
        public int intParameter(String name, int defaultValue)
        {
            String value = parameters.get(name);
            if (value == null) {
                return defaultValue;
            }
            try {
                return Integer.parseInt(value.trim());
            }
            catch (NumberFormatException e) {
                throw dev.sparkjobs.errors.Errors.invalidSampleParameter(name, value, defaultValue);
            }
        }
    }

    /**
     * What was written: the {@code --set} values that point the job at it (its input keys and any
     * other key the sample needs, e.g. {@code scope=all}) and a logical date the sample covers.
     */
    record SampleData(Map<String, String> settings, LocalDate suggestedDate, String summary)
    {
        public SampleData
        {
            settings = Map.copyOf(requireNonNull(settings, "settings is null"));
            requireNonNull(suggestedDate, "suggestedDate is null");
            requireNonNull(summary, "summary is null");
        }
    }
}
