package dev.sparkjobs.api;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.sparkjobs.testing.SharedSpark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SharedSpark.class)
class SessionConfTest
{
    private static final String KEY = "spark.sql.files.openCostInBytes";

    @Test
    void holdsTheValueForTheActionOnlyAndRestoresTheEarlierOne(SparkSession spark)
    {
        spark.conf().set(KEY, "12345");
        try {
            String seen = SessionConf.with(spark, KEY, "0", () -> spark.conf().get(KEY));

            assertThat(seen).as("value inside the action").isEqualTo("0");
            assertThat(spark.conf().get(KEY)).as("earlier value restored").isEqualTo("12345");
        }
        finally {
            spark.conf().unset(KEY);
        }
    }

    @Test
    void unsetsAKeyThatWasNotSetEvenWhenTheActionFails(SparkSession spark)
    {
        String key = "spark.sparkjobs.test.unset-key";
        assertThatThrownBy(() -> SessionConf.with(spark, key, "on", () -> {
            throw new IllegalStateException("boom");
        })).as("the action's failure").hasMessage("boom");

        assertThat(spark.conf().getOption(key).isDefined()).as("key set after the failed action").isFalse();
    }
}
