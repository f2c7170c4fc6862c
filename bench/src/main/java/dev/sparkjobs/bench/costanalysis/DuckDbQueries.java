package dev.sparkjobs.bench.costanalysis;

/** The job's normalisation, cost_daily and cost_kpis_monthly written in DuckDB SQL (the benchmark's baseline). */
final class DuckDbQueries
{
    private DuckDbQueries() {}

    /**
     * The normalised cost rows; with {@code allColumns}, every column of the job's cost_line_items
     * (account name, service category, resource, usage type and unit, instance type, tags, source
     * file), not only those cost_daily and cost_kpis_monthly use.
     */
    static String items(String parquetGlob, boolean allColumns)
    {
        String more = !allColumns ? "" : """
                  'AWS' AS provider,
                  line_item_usage_account_name AS account_name,
                  coalesce(CASE coalesce(line_item_product_code, product_servicecode)
                    WHEN 'AmazonEC2' THEN 'Compute' WHEN 'AWSLambda' THEN 'Compute' WHEN 'AmazonECS' THEN 'Compute' WHEN 'AmazonEKS' THEN 'Compute'
                    WHEN 'AmazonS3' THEN 'Storage' WHEN 'AmazonEFS' THEN 'Storage' WHEN 'AmazonGlacier' THEN 'Storage' WHEN 'AmazonFSx' THEN 'Storage'
                    WHEN 'AWSBackup' THEN 'Storage' WHEN 'AmazonRDS' THEN 'Databases' WHEN 'AmazonDynamoDB' THEN 'Databases'
                    WHEN 'AmazonElastiCache' THEN 'Databases' WHEN 'AmazonRedshift' THEN 'Analytics' WHEN 'AmazonAthena' THEN 'Analytics'
                    WHEN 'AmazonVPC' THEN 'Networking' WHEN 'AmazonCloudFront' THEN 'Networking' WHEN 'AmazonRoute53' THEN 'Networking'
                    WHEN 'AWSELB' THEN 'Networking' WHEN 'AWSDataTransfer' THEN 'Networking'
                    WHEN 'AmazonCloudWatch' THEN 'Management and Governance' WHEN 'AWSConfig' THEN 'Management and Governance'
                    WHEN 'AWSCloudTrail' THEN 'Management and Governance' WHEN 'AmazonSQS' THEN 'Integration' WHEN 'AmazonSNS' THEN 'Integration'
                    WHEN 'awskms' THEN 'Security' WHEN 'AmazonSageMaker' THEN 'AI and Machine Learning' END, 'Other') AS service_category,
                  line_item_resource_id AS resource_id,
                  line_item_usage_type AS usage_type,
                  product_instance_type AS instance_type,
                  pricing_unit AS usage_unit,
                  resource_tags AS tags,
                  filename AS source_file,
                """;
        return """
                SELECT
                  MORE_COLUMNS
                  date_trunc('month', coalesce(bill_billing_period_start_date, line_item_usage_start_date))::DATE AS billing_period,
                  line_item_usage_start_date::DATE AS charge_date,
                  line_item_usage_account_id AS account_id,
                  coalesce(line_item_product_code, product_servicecode) AS service_name,
                  product_region_code AS region,
                  resource_tags['user_team'] AS owner,
                  resource_tags['user_environment'] AS environment,
                  CASE WHEN coalesce(line_item_usage_type, '') LIKE '%SpotUsage%' THEN 'spot'
                       WHEN line_item_line_item_type IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'commitment'
                       WHEN line_item_line_item_type = 'Usage' THEN 'on_demand' ELSE 'other' END AS pricing_category,
                  CASE WHEN line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Usage'
                       WHEN line_item_line_item_type = 'Tax' THEN 'Tax'
                       WHEN line_item_line_item_type IN ('Credit', 'Refund') THEN 'Credit'
                       WHEN line_item_line_item_type IN ('RIFee', 'Fee') OR regexp_matches(line_item_line_item_type, '^SavingsPlan.*Fee$') THEN 'Purchase'
                       ELSE 'Adjustment' END AS charge_category,
                  CASE WHEN coalesce(line_item_product_code, product_servicecode) <> 'AmazonEC2' OR product_instance_type IS NULL THEN NULL
                       WHEN lower(split_part(product_instance_type, '.', 1)) = 'a1' THEN 'graviton'
                       WHEN regexp_matches(lower(split_part(product_instance_type, '.', 1)), '^[a-z]+[0-9]+g') THEN 'graviton'
                       WHEN regexp_matches(lower(split_part(product_instance_type, '.', 1)), '^[a-z]+[0-9]+a') THEN 'amd'
                       WHEN regexp_matches(lower(split_part(product_instance_type, '.', 1)), '^[a-z][a-z-]*[0-9]') THEN 'intel' END AS processor,
                  coalesce(line_item_unblended_cost, 0) AS billed_cost,
                  CASE line_item_line_item_type
                       WHEN 'SavingsPlanCoveredUsage' THEN coalesce(savings_plan_savings_plan_effective_cost, 0)
                       WHEN 'SavingsPlanRecurringFee' THEN coalesce(savings_plan_total_commitment_to_date, 0) - coalesce(savings_plan_used_commitment, 0)
                       WHEN 'SavingsPlanNegation' THEN 0
                       WHEN 'SavingsPlanUpfrontFee' THEN 0
                       WHEN 'DiscountedUsage' THEN coalesce(reservation_effective_cost, 0)
                       WHEN 'RIFee' THEN coalesce(reservation_unused_amortized_upfront_fee_for_billing_period, 0) + coalesce(reservation_unused_recurring_fee, 0)
                       ELSE CASE WHEN line_item_line_item_type = 'Fee' AND length(trim(coalesce(reservation_reservation_a_r_n, ''))) > 0 THEN 0
                                 ELSE coalesce(line_item_unblended_cost, 0) END END AS effective_cost,
                  CASE WHEN line_item_line_item_type = 'SavingsPlanNegation' THEN 0 ELSE coalesce(pricing_public_on_demand_cost, 0) END AS list_cost,
                  line_item_usage_amount AS usage_quantity
                FROM read_parquet('PARQUET_GLOB', filename = FILENAME)
                WHERE line_item_operation IS NULL OR line_item_operation NOT IN ('EKSPod-EC2', 'ECSTask-EC2')
                """.replace("MORE_COLUMNS", more.strip() + (more.isEmpty() ? "" : "\n  "))
                .replace("PARQUET_GLOB", parquetGlob)
                .replace("FILENAME", String.valueOf(allColumns));
    }

    static final String DAILY = """
            SELECT billing_period, charge_date, account_id, service_name, region, owner, environment, pricing_category,
                   sum(billed_cost) AS billed_cost, sum(effective_cost) AS effective_cost, sum(list_cost) AS list_cost,
                   sum(usage_quantity) AS usage_quantity, count(*) AS line_items
            FROM items
            GROUP BY ALL
            """;

    static final String KPIS = """
            WITH sums AS (
              SELECT billing_period, CASE WHEN GROUPING(account_id) = 1 THEN '*' ELSE account_id END AS account_id,
                sum(billed_cost) AS total_billed_cost, sum(effective_cost) AS total_effective_cost, sum(list_cost) AS total_list_cost,
                sum(CASE WHEN charge_category = 'Usage' THEN effective_cost ELSE 0 END) AS usage_effective,
                sum(CASE WHEN charge_category = 'Usage' THEN list_cost ELSE 0 END) AS usage_list,
                sum(CASE WHEN charge_category = 'Usage' AND processor IS NOT NULL THEN list_cost ELSE 0 END) AS compute_list,
                sum(CASE WHEN charge_category = 'Usage' AND processor IS NOT NULL AND pricing_category = 'spot' THEN list_cost ELSE 0 END) AS spot_list,
                sum(CASE WHEN charge_category = 'Usage' AND processor IS NOT NULL AND pricing_category = 'commitment' THEN list_cost ELSE 0 END) AS commitment_list,
                sum(CASE WHEN charge_category = 'Usage' AND processor IS NOT NULL THEN effective_cost ELSE 0 END) AS compute_effective,
                sum(CASE WHEN charge_category = 'Usage' AND processor = 'graviton' THEN effective_cost ELSE 0 END) AS graviton_effective,
                sum(CASE WHEN charge_category = 'Usage' AND processor = 'intel' THEN effective_cost ELSE 0 END) AS intel_effective,
                sum(CASE WHEN charge_category = 'Usage' AND processor = 'amd' THEN effective_cost ELSE 0 END) AS amd_effective,
                sum(CASE WHEN charge_category = 'Usage' AND owner IS NULL THEN effective_cost ELSE 0 END) AS untagged_effective
              FROM items
              GROUP BY GROUPING SETS ((billing_period, account_id), (billing_period))
            ), kpis AS (
              SELECT billing_period, account_id, total_billed_cost, total_effective_cost, total_list_cost,
                CASE WHEN usage_list <> 0 THEN round(1 - usage_effective / usage_list, 12) END AS effective_savings_rate,
                CASE WHEN compute_list <> 0 THEN round(spot_list / compute_list, 12) END AS spot_share,
                CASE WHEN compute_list <> 0 THEN round(commitment_list / compute_list, 12) END AS commitment_coverage,
                CASE WHEN compute_effective <> 0 THEN round(graviton_effective / compute_effective, 12) END AS graviton_share,
                0.2 * intel_effective + 0.1 * amd_effective AS graviton_savings_opportunity,
                CASE WHEN usage_effective <> 0 THEN round(untagged_effective / usage_effective, 12) END AS untagged_share
              FROM sums
            )
            SELECT k.*, CASE WHEN p.total_effective_cost <> 0
                             THEN (k.total_effective_cost - p.total_effective_cost) / abs(p.total_effective_cost) END AS mom_effective_cost_change
            FROM kpis k LEFT JOIN kpis p ON p.account_id = k.account_id AND p.billing_period = k.billing_period - INTERVAL 1 MONTH
            """;
}
