package dev.sparkjobs.costanalysis;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * The processor of an EC2 instance type, from its family (the part before the dot): Graviton
 * when the generation digit is followed by g (m6g, c7gn, r6gd, t4g, x2gd, im4gn, c8g; also the
 * first Graviton family a1), AMD when it is followed by a (m5a, c6a, m7a), Intel for the other
 * EC2 families.
 */
final class Processors
{
    static final String GRAVITON = "graviton";
    static final String AMD = "amd";
    static final String INTEL = "intel";

    private Processors() {}

    static Column of(Column instanceType)
    {
        Column family = lower(trim(substring_index(instanceType, ".", 1)));
        return when(instanceType.isNull(), lit(null))
                .when(family.equalTo(lit("a1")), lit(GRAVITON))
                .when(family.rlike("^[a-z]+[0-9]+g"), lit(GRAVITON))
                .when(family.rlike("^[a-z]+[0-9]+a"), lit(AMD))
                .when(family.rlike("^[a-z][a-z-]*[0-9]"), lit(INTEL));
    }
}
