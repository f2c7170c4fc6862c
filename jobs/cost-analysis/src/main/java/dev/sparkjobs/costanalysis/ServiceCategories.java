package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.sql.Column;

/** The FOCUS ServiceCategory of common AWS service codes, so that CUR and FOCUS rows group alike. */
final class ServiceCategories
{
    private static final Map<String, String> BY_SERVICE_CODE = new TreeMap<>(Map.ofEntries(
            Map.entry("AmazonEC2", "Compute"),
            Map.entry("AWSLambda", "Compute"),
            Map.entry("AmazonECS", "Compute"),
            Map.entry("AmazonEKS", "Compute"),
            Map.entry("AmazonS3", "Storage"),
            Map.entry("AmazonEFS", "Storage"),
            Map.entry("AmazonGlacier", "Storage"),
            Map.entry("AmazonFSx", "Storage"),
            Map.entry("AWSBackup", "Storage"),
            Map.entry("AmazonRDS", "Databases"),
            Map.entry("AmazonDynamoDB", "Databases"),
            Map.entry("AmazonElastiCache", "Databases"),
            Map.entry("AmazonRedshift", "Analytics"),
            Map.entry("AmazonAthena", "Analytics"),
            Map.entry("AmazonVPC", "Networking"),
            Map.entry("AmazonCloudFront", "Networking"),
            Map.entry("AmazonRoute53", "Networking"),
            Map.entry("AWSELB", "Networking"),
            Map.entry("AWSDataTransfer", "Networking"),
            Map.entry("AmazonCloudWatch", "Management and Governance"),
            Map.entry("AWSConfig", "Management and Governance"),
            Map.entry("AWSCloudTrail", "Management and Governance"),
            Map.entry("AmazonSQS", "Integration"),
            Map.entry("AmazonSNS", "Integration"),
            Map.entry("awskms", "Security"),
            Map.entry("AmazonSageMaker", "AI and Machine Learning")));

    private ServiceCategories() {}

    static Column of(Column serviceCode)
    {
        List<Column> entries = new ArrayList<>();
        BY_SERVICE_CODE.forEach((code, category) -> {
            entries.add(lit(code));
            entries.add(lit(category));
        });
        return coalesce(element_at(map(entries.toArray(Column[]::new)), coalesce(serviceCode, lit(""))), lit("Other"));
    }
}
