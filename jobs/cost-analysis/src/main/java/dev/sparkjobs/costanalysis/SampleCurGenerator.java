package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

import dev.sparkjobs.api.SampleDataGenerator;

/**
 * Realistic AWS CUR 2.0 Parquet: {@code scale} line items over three months (July to September
 * 2024), five accounts, EC2 on-demand / Spot / RI / Savings Plans on Intel, AMD and Graviton
 * families, EBS, S3, RDS, Lambda, EKS split cost rows, tax, credits and commitment fees, tagged
 * and untagged resources, and a planted spike (RDS of account 222222222222 on 2024-09-17).
 * Generated on the executors from {@code spark.range}; every value is a hash of the row number
 * and the seed, so the same seed gives the same files whatever the partitioning.
 */
public final class SampleCurGenerator
        implements SampleDataGenerator
{
    static final LocalDate FIRST_DAY = LocalDate.of(2024, 7, 1);
    static final int DAYS = 92;
    static final LocalDate SPIKE_DAY = LocalDate.of(2024, 9, 17);
    static final String SPIKE_ACCOUNT = "222222222222";
    static final String SPIKE_SERVICE = "AmazonRDS";
    private static final int ROWS_PER_FILE = 1_000_000;
    private static final String PERIOD_FOLDER = "BILLING_PERIOD";

    private static final String[] ACCOUNTS = {"111111111111", "222222222222", "333333333333", "444444444444", "555555555555"};
    private static final String[] TEAMS = {"payments", "search", "data", "platform"};
    private static final String[] ENVIRONMENTS = {"prod", "prod", "staging", "dev"};
    private static final String[] REGIONS = {"us-east-1", "us-east-1", "eu-west-1", "ap-southeast-2"};
    private static final String[] INSTANCE_TYPES = {"m5.large", "c5.xlarge", "r5.2xlarge", "t3.medium", "m7i.large", "m5a.large", "c6a.xlarge",
            "m7a.large", "m6g.large", "c7gn.xlarge", "r6gd.large", "t4g.medium"};
    private static final double[] HOURLY_PRICES = {0.096, 0.17, 0.504, 0.0416, 0.1008, 0.086, 0.153, 0.1159, 0.077, 0.2496, 0.1149, 0.0336};

    @Override
    public int defaultScale()
    {
        return 20_000;
    }

    @Override
    public SampleData generate(Request request)
    {
        String folder = request.outputDirectory() + "/billing";
        int files = (int) Math.max(1, Math.min(64, (request.scale() + ROWS_PER_FILE - 1) / ROWS_PER_FILE));
        // One folder per billing period, BILLING_PERIOD=YYYY-MM, as AWS Data Exports lay out CUR 2.0 (the folder name is not a column of the files).
        lineItems(request.spark().range(0, request.scale(), 1, files), request.seed())
                .withColumn(PERIOD_FOLDER, date_format(col("bill_billing_period_start_date"), "yyyy-MM"))
                .write().mode("overwrite").partitionBy(PERIOD_FOLDER).parquet(folder);
        return new SampleData(Map.of("input.billing", folder, "scope", "all"), LocalDate.of(2024, 9, 30),
                "Wrote " + request.scale() + " AWS CUR 2.0 line items (Parquet, July to September 2024, 5 accounts) to " + folder + "/BILLING_PERIOD=*"
                        + "; planted spike: " + SPIKE_SERVICE + " of account " + SPIKE_ACCOUNT + " on " + SPIKE_DAY + ".");
    }

    static Dataset<Row> lineItems(Dataset<Long> ids, long seed)
    {
        Generated g = new Generated(seed);
        Column kind = g.uniform(0);
        Column day = floor(g.uniform(1).multiply(DAYS));
        Column start = timestamp_seconds(lit(FIRST_DAY.toEpochDay() * 86_400L).plus(day.multiply(86_400L)).plus(floor(g.uniform(2).multiply(24)).multiply(3_600L)));
        Column account = g.pick(3, ACCOUNTS);
        Column instanceIndex = floor(g.uniform(4).multiply(INSTANCE_TYPES.length)).cast(DataTypes.IntegerType).plus(1);
        Column instanceType = element_at(array(Arrays.stream(INSTANCE_TYPES).map(type -> lit(type)).toArray(Column[]::new)), instanceIndex);
        Column hourlyPrice = element_at(array(Arrays.stream(HOURLY_PRICES).mapToObj(price -> lit(price)).toArray(Column[]::new)), instanceIndex);
        Column hours = lit(1.0).plus(floor(g.uniform(5).multiply(4)));
        Column onDemand = hourlyPrice.multiply(hours);
        Column team = when(g.uniform(6).lt(0.25), lit(null).cast(DataTypes.StringType)).otherwise(g.pick(7, TEAMS));
        Column environment = g.pick(8, ENVIRONMENTS);
        Column region = g.pick(9, REGIONS);
        Column wobble = lit(0.7).plus(g.uniform(10).multiply(0.6));

        Dataset<Row> rows = ids.toDF().select(col("id"),
                kindOf(kind).as("kind"), start.as("start"), account.as("account"), instanceType.as("instance"), onDemand.as("on_demand"),
                hours.as("hours"), team.as("team"), environment.as("environment"), region.as("region"), wobble.as("wobble"),
                g.pick(11, new String[] {"prod-cluster", "batch-cluster"}).as("cluster"), g.pick(12, new String[] {"checkout", "search-api", "etl", "monitoring"}).as("namespace"));
        return cur(rows);
    }

    private static Column kindOf(Column u)
    {
        return when(u.lt(0.22), lit("ec2_on_demand"))
                .when(u.lt(0.30), lit("ec2_spot"))
                .when(u.lt(0.37), lit("ec2_reserved"))
                .when(u.lt(0.47), lit("ec2_savings_plan"))
                .when(u.lt(0.49), lit("savings_plan_negation"))
                .when(u.lt(0.55), lit("ebs"))
                .when(u.lt(0.65), lit("s3"))
                .when(u.lt(0.73), lit("rds"))
                .when(u.lt(0.80), lit("lambda"))
                .when(u.lt(0.89), lit("eks_split"))
                .when(u.lt(0.90), lit("tax"))
                .when(u.lt(0.905), lit("credit"))
                .when(u.lt(0.915), lit("ri_fee"))
                .when(u.lt(0.925), lit("savings_plan_fee"))
                .when(u.lt(0.93), lit("ri_upfront_fee"))
                .otherwise(lit("ec2_on_demand"));
    }

    private static Dataset<Row> cur(Dataset<Row> rows)
    {
        Column kind = col("kind");
        Column ec2 = kind.isin("ec2_on_demand", "ec2_spot", "ec2_reserved", "ec2_savings_plan", "savings_plan_negation", "ebs", "eks_split", "tax",
                "credit", "ri_fee", "ri_upfront_fee");
        Column service = when(ec2, lit("AmazonEC2"))
                .when(kind.equalTo(lit("s3")), lit("AmazonS3"))
                .when(kind.equalTo(lit("rds")), lit("AmazonRDS"))
                .when(kind.equalTo(lit("lambda")), lit("AWSLambda"))
                .otherwise(lit("ComputeSavingsPlans"));
        Column type = when(kind.isin("ec2_on_demand", "ec2_spot", "ebs", "s3", "rds", "lambda", "eks_split"), lit("Usage"))
                .when(kind.equalTo(lit("ec2_reserved")), lit("DiscountedUsage"))
                .when(kind.equalTo(lit("ec2_savings_plan")), lit("SavingsPlanCoveredUsage"))
                .when(kind.equalTo(lit("savings_plan_negation")), lit("SavingsPlanNegation"))
                .when(kind.equalTo(lit("tax")), lit("Tax"))
                .when(kind.equalTo(lit("credit")), lit("Credit"))
                .when(kind.equalTo(lit("ri_fee")), lit("RIFee"))
                .when(kind.equalTo(lit("savings_plan_fee")), lit("SavingsPlanRecurringFee"))
                .otherwise(lit("Fee"));
        Column instanceUsage = kind.isin("ec2_on_demand", "ec2_spot", "ec2_reserved", "ec2_savings_plan", "eks_split");
        Column regionPrefix = when(col("region").equalTo(lit("us-east-1")), lit("USE1-")).when(col("region").equalTo(lit("eu-west-1")), lit("EU-"))
                .otherwise(lit("APS2-"));
        Column usageType = when(kind.equalTo(lit("ec2_spot")), concat(regionPrefix, lit("SpotUsage:"), col("instance")))
                .when(instanceUsage, concat(regionPrefix, lit("BoxUsage:"), col("instance")))
                .when(kind.equalTo(lit("ebs")), concat(regionPrefix, lit("EBS:VolumeUsage.gp3")))
                .when(kind.equalTo(lit("s3")), concat(regionPrefix, lit("TimedStorage-ByteHrs")))
                .when(kind.equalTo(lit("rds")), concat(regionPrefix, lit("InstanceUsage:db.m6g.large")))
                .when(kind.equalTo(lit("lambda")), concat(regionPrefix, lit("Lambda-GB-Second")))
                .otherwise(lit(null).cast(DataTypes.StringType));
        Column spike = to_date(col("start")).equalTo(lit(java.sql.Date.valueOf(SPIKE_DAY))).and(col("account").equalTo(lit(SPIKE_ACCOUNT)))
                .and(kind.equalTo(lit("rds")));
        Column onDemand = col("on_demand");
        Column publicCost = when(instanceUsage, onDemand)
                .when(kind.equalTo(lit("ebs")), col("wobble").multiply(0.8))
                .when(kind.equalTo(lit("s3")), col("wobble").multiply(0.5))
                .when(kind.equalTo(lit("rds")), col("wobble").multiply(0.155).multiply(when(spike, lit(25.0)).otherwise(lit(1.0))))
                .when(kind.equalTo(lit("lambda")), col("wobble").multiply(0.02))
                .otherwise(lit(0.0));
        Column unblended = when(kind.equalTo(lit("ec2_spot")), onDemand.multiply(0.32))
                .when(kind.isin("ec2_reserved", "eks_split"), lit(0.0))
                .when(kind.equalTo(lit("savings_plan_negation")), onDemand.multiply(-1.0))
                .when(kind.equalTo(lit("tax")), col("wobble").multiply(4.0))
                .when(kind.equalTo(lit("credit")), col("wobble").multiply(-6.0))
                .when(kind.equalTo(lit("ri_fee")), lit(30.0))
                .when(kind.equalTo(lit("savings_plan_fee")), lit(24.0))
                .when(kind.equalTo(lit("ri_upfront_fee")), lit(400.0))
                .otherwise(publicCost);
        Column tagged = col("team").isNotNull().and(kind.isin("tax", "credit", "ri_fee", "savings_plan_fee", "ri_upfront_fee", "savings_plan_negation").unary_$bang());
        Column eks = kind.equalTo(lit("eks_split"));
        Column noText = lit(null).cast(DataTypes.StringType);
        Column noNumber = lit(null).cast(DataTypes.DoubleType);
        Column tags = map_filter(map(
                        lit("user_team"), when(tagged, col("team")),
                        lit("user_environment"), when(tagged.or(eks), col("environment")),
                        lit("aws_eks_cluster_name"), when(eks, col("cluster")),
                        lit("aws_eks_namespace"), when(eks, col("namespace"))),
                (key, value) -> value.isNotNull());
        Column resourceId = when(eks, concat(lit("arn:aws:eks:"), col("region"), lit(":"), col("account"), lit(":pod/"), col("cluster"), lit("/"),
                        col("namespace"), lit("/pod-"), col("id").cast(DataTypes.StringType), lit("/uid-"), col("id").cast(DataTypes.StringType)))
                .when(instanceUsage, concat(lit("i-"), pmod(xxhash64(col("account"), col("instance"), col("team")), lit(1_000_000_007L)).cast(DataTypes.StringType)))
                .when(kind.equalTo(lit("s3")), concat(lit("bucket-"), col("team")))
                .when(kind.equalTo(lit("rds")), concat(lit("arn:aws:rds:"), col("region"), lit(":"), col("account"), lit(":db:orders")))
                .otherwise(noText);
        Column reservationArn = when(kind.isin("ec2_reserved", "ri_fee", "ri_upfront_fee"),
                concat(lit("arn:aws:ec2:us-east-1:"), col("account"), lit(":reserved-instances/ri-1"))).otherwise(noText);
        Column splitCost = when(eks, onDemand.multiply(col("wobble")).multiply(0.5)).otherwise(noNumber);
        return rows.select(
                concat(lit("li-"), col("id").cast(DataTypes.StringType)).as("identity_line_item_id"),
                trunc(to_date(col("start")), "month").cast(DataTypes.TimestampType).as("bill_billing_period_start_date"),
                lit("999999999999").as("bill_payer_account_id"),
                col("account").as("line_item_usage_account_id"),
                concat(lit("account-"), col("account").substr(1, 1)).as("line_item_usage_account_name"),
                type.as("line_item_line_item_type"),
                col("start").as("line_item_usage_start_date"),
                service.as("line_item_product_code"),
                service.as("product_servicecode"),
                col("region").as("product_region_code"),
                resourceId.as("line_item_resource_id"),
                usageType.as("line_item_usage_type"),
                when(eks, lit("EKSPod-EC2")).when(instanceUsage, lit("RunInstances")).otherwise(noText).as("line_item_operation"),
                when(instanceUsage, col("instance")).when(kind.equalTo(lit("rds")), lit("db.m6g.large")).otherwise(noText).as("product_instance_type"),
                when(instanceUsage, col("hours")).otherwise(col("wobble").multiply(100.0)).as("line_item_usage_amount"),
                when(instanceUsage, lit("Hrs")).when(kind.isin("ebs", "s3"), lit("GB-Mo")).otherwise(noText).as("pricing_unit"),
                unblended.as("line_item_unblended_cost"),
                publicCost.as("pricing_public_on_demand_cost"),
                when(kind.equalTo(lit("ec2_savings_plan")), onDemand.multiply(0.72)).otherwise(lit(0.0)).as("savings_plan_savings_plan_effective_cost"),
                when(kind.equalTo(lit("savings_plan_fee")), lit(24.0)).otherwise(lit(0.0)).as("savings_plan_total_commitment_to_date"),
                when(kind.equalTo(lit("savings_plan_fee")), col("wobble").multiply(15.0)).otherwise(lit(0.0)).as("savings_plan_used_commitment"),
                when(kind.equalTo(lit("ec2_reserved")), onDemand.multiply(0.6)).otherwise(lit(0.0)).as("reservation_effective_cost"),
                when(kind.equalTo(lit("ri_fee")), col("wobble").multiply(2.0)).otherwise(lit(0.0)).as("reservation_unused_amortized_upfront_fee_for_billing_period"),
                when(kind.equalTo(lit("ri_fee")), col("wobble").multiply(1.0)).otherwise(lit(0.0)).as("reservation_unused_recurring_fee"),
                reservationArn.as("reservation_reservation_a_r_n"),
                tags.as("resource_tags"),
                when(eks, concat(lit("i-0"), pmod(xxhash64(col("account"), col("cluster"), col("instance")), lit(1_000_000_007L)).cast(DataTypes.StringType))).otherwise(noText).as("split_line_item_parent_resource_id"),
                splitCost.as("split_line_item_split_cost"),
                splitCost.multiply(0.25).as("split_line_item_unused_cost"),
                splitCost.multiply(1.25).as("split_line_item_net_split_cost"));
    }

    /** Uniform values in [0, 1) from a hash of the row id, the seed and a stream number. */
    private record Generated(long seed)
    {
        Column uniform(int stream)
        {
            return pmod(xxhash64(col("id"), lit(seed), lit(stream)), lit(1_000_000L)).cast(DataTypes.DoubleType).divide(1_000_000.0);
        }

        Column pick(int stream, String[] values)
        {
            Column index = floor(uniform(stream).multiply(values.length)).cast(DataTypes.IntegerType).plus(1);
            return element_at(array(Arrays.stream(values).map(value -> lit(value)).toArray(Column[]::new)), index);
        }
    }
}
