package dev.sparkjobs.costanalysis;

import static java.util.Objects.requireNonNull;

import java.util.List;

import dev.sparkjobs.api.ConfigKey;
import dev.sparkjobs.api.JobConfig;
import dev.sparkjobs.api.RejectsPolicy;

/** The job's configuration keys and their validated values for one run. */
public record CostAnalysisSettings(
        String billingFormat,
        String ownerKey,
        String environmentKey,
        double gravitonSavingsRateIntel,
        double gravitonSavingsRateAmd,
        int anomalyWindowDays,
        double anomalyThreshold,
        RejectsPolicy rejects)
{
    static final ConfigKey<String> BILLING_FORMAT = ConfigKey.ofChoice("input.billing.format", "auto",
            "Format of input.billing: auto (detected from the columns), cur2 (AWS CUR 2.0 / Data Exports) or focus (FinOps FOCUS 1.0-1.2)",
            "auto", "cur2", "focus");
    static final ConfigKey<String> OWNER_KEY = ConfigKey.ofString("tags.owner-key", "team",
            "Tag that names the owner of a resource (CUR: resource_tags key user_<name>; FOCUS: Tags key)");
    static final ConfigKey<String> ENVIRONMENT_KEY = ConfigKey.ofString("tags.environment-key", "environment",
            "Tag that names the environment of a resource (CUR: resource_tags key user_<name>; FOCUS: Tags key)");
    static final ConfigKey<Double> GRAVITON_RATE_INTEL = ConfigKey.ofDouble("graviton.savings-rate.intel", 0.20,
            "Share of the effective cost of Intel compute usage saved by moving it to Graviton").withRange(0.0, 1.0);
    static final ConfigKey<Double> GRAVITON_RATE_AMD = ConfigKey.ofDouble("graviton.savings-rate.amd", 0.10,
            "Share of the effective cost of AMD compute usage saved by moving it to Graviton").withRange(0.0, 1.0);
    static final ConfigKey<Integer> ANOMALY_WINDOW_DAYS = ConfigKey.ofInteger("anomaly.window-days", 14,
            "Days of the trailing window whose median and MAD are the baseline of a day's cost").withRange(3, 366);
    static final ConfigKey<Double> ANOMALY_THRESHOLD = ConfigKey.ofDouble("anomaly.threshold", 3.5,
            "Robust z-score above which a day's cost of an account and service is an anomaly").withRange(0.5, 1000.0);
    static final ConfigKey<Double> REJECTS_MAX_FRACTION = RejectsPolicy.key(0.001);

    static final List<ConfigKey<?>> ALL = List.of(BILLING_FORMAT, OWNER_KEY, ENVIRONMENT_KEY, GRAVITON_RATE_INTEL, GRAVITON_RATE_AMD,
            ANOMALY_WINDOW_DAYS, ANOMALY_THRESHOLD, REJECTS_MAX_FRACTION);

    public CostAnalysisSettings
    {
        requireNonNull(billingFormat, "billingFormat is null");
        requireNonNull(ownerKey, "ownerKey is null");
        requireNonNull(environmentKey, "environmentKey is null");
        requireNonNull(rejects, "rejects is null");
    }

    static CostAnalysisSettings from(JobConfig config)
    {
        return new CostAnalysisSettings(
                config.get(BILLING_FORMAT),
                config.get(OWNER_KEY),
                config.get(ENVIRONMENT_KEY),
                config.get(GRAVITON_RATE_INTEL),
                config.get(GRAVITON_RATE_AMD),
                config.get(ANOMALY_WINDOW_DAYS),
                config.get(ANOMALY_THRESHOLD),
                new RejectsPolicy(config.get(REJECTS_MAX_FRACTION)));
    }
}
