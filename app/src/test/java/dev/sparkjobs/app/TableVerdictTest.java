package dev.sparkjobs.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.sparkjobs.app.TableVerdict.Outcome;

/** The verdicts of DriverKillIT on tiny hand-made tables, and the phases it reads from progress lines. */
class TableVerdictTest
{
    private static final List<String> BEFORE = List.of("a1", "b1");
    private static final List<String> AFTER = List.of("a2", "b2", "c2");

    @Test
    void aTableAsBeforeOrAsAfterIsConsistent()
    {
        assertThat(TableVerdict.of("t", BEFORE, BEFORE, AFTER).outcome()).as("the rows before").isEqualTo(Outcome.BEFORE);
        assertThat(TableVerdict.of("t", AFTER, BEFORE, AFTER).outcome()).as("the rows after").isEqualTo(Outcome.AFTER);
        assertThat(TableVerdict.of("t", BEFORE, BEFORE, BEFORE).outcome()).as("the same rows in both states").isEqualTo(Outcome.UNCHANGED);
        assertThat(TableVerdict.of("t", AFTER, BEFORE, AFTER).consistent()).as("consistent").isTrue();
    }

    @Test
    void aMixOfBothStatesIsMixedAndShowsTheRowsThatDiffer()
    {
        TableVerdict mixed = TableVerdict.of("t", List.of("a1", "b2", "c2"), BEFORE, AFTER);

        assertThat(mixed.outcome()).as("a1 from before, b2 and c2 from after").isEqualTo(Outcome.MIXED);
        assertThat(mixed.consistent()).as("consistent").isFalse();
        assertThat(mixed.duplicates()).as("duplicates").isZero();
        assertThat(mixed.strayRows()).as("rows shown").containsExactly("of the state before, missing: b1", "of the state after, missing: a2");
    }

    @Test
    void aRowMoreOftenThanInEitherStateIsADuplicate()
    {
        TableVerdict doubled = TableVerdict.of("t", List.of("a2", "a2", "b2", "c2"), BEFORE, AFTER);

        assertThat(doubled.outcome()).as("the rows after, one twice").isEqualTo(Outcome.MIXED);
        assertThat(doubled.duplicates()).as("duplicates").isEqualTo(1);
        assertThat(TableVerdict.of("t", List.of("x", "x"), List.of("x", "x"), AFTER).duplicates()).as("a row twice in the state before too").isZero();
    }

    @Test
    void aProgressLineTellsThePhaseOfTheRun()
    {
        Set<String> tables = Set.of("cost_daily", "cost_rejects");
        assertThat(RunPhase.ofStep("starting run cost-analysis-20241001T000000Z-abcdef for 2024-09-30 (scope all, env local, lake s3a://b/lake)", tables))
                .as("the first line, before any phase").isEmpty();
        assertThat(RunPhase.ofStep("record run in s3a://b/lake/_runs", tables)).as("record run").contains(RunPhase.LEDGER_START);
        assertThat(RunPhase.ofStep("run cost-analysis-x (2024-09-30, started 2024-10-01T00:00:00Z) was still RUNNING in the ledger with no heartbeat since "
                + "2024-10-01T00:00:01Z: its driver was killed or cut off; marked ABANDONED", tables)).as("a lost run marked").contains(RunPhase.LEDGER_START);
        assertThat(RunPhase.ofStep("build outputs", tables)).as("build outputs").contains(RunPhase.READING);
        assertThat(RunPhase.ofStep("read billing rows, count rejects and sum them to a daily grain", tables)).as("a job's step").contains(RunPhase.READING);
        assertThat(RunPhase.ofStep("check the embedding dimension", tables)).as("a job's step named like a check").contains(RunPhase.READING);
        assertThat(RunPhase.ofStep("stage cost_daily", tables)).as("stage").contains(RunPhase.STAGING);
        assertThat(RunPhase.ofStep("check cost_rejects", tables)).as("check").contains(RunPhase.CHECKS);
        assertThat(RunPhase.ofStep("publish cost_daily", tables)).as("publish").contains(RunPhase.COMMITS);
        assertThat(RunPhase.ofStep("record outcome in s3a://b/lake/_runs", tables)).as("record outcome").contains(RunPhase.FINAL_LEDGER_ROW);
    }
}
