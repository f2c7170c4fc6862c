package dev.sparkjobs.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ParallelTasksTest
{
    @Test
    void outcomesComeInTaskOrderWhateverOrderTheTasksEndIn()
            throws Exception
    {
        CountDownLatch secondDone = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(
                () -> {
                    // the first task ends only after the second: both ran at the same time
                    assertThat(secondDone.await(30, TimeUnit.SECONDS)).as("second task ended while the first ran").isTrue();
                    return "first";
                },
                () -> {
                    secondDone.countDown();
                    return "second";
                },
                () -> null);
        List<ParallelTasks.Outcome<String>> outcomes = ParallelTasks.run("test", 2, tasks);
        assertThat(outcomes).extracting(outcome -> outcome.value().orElse("<empty>")).containsExactly("first", "second", "<empty>");
        assertThat(outcomes).as("no failures").allMatch(outcome -> outcome.failure().isEmpty());
    }

    @Test
    void afterAFailureTasksNotStartedAreSkippedAndRunningOnesEnd()
    {
        AtomicInteger started = new AtomicInteger();
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch failing = new CountDownLatch(1);
        List<Boolean> slowEnded = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        List<Callable<String>> tasks = List.of(
                () -> {
                    started.incrementAndGet();
                    slowStarted.countDown();
                    // still running when the other task fails: must run to its end, and be waited for
                    failing.await(30, TimeUnit.SECONDS);
                    Thread.sleep(200);
                    synchronized (slowEnded) {
                        slowEnded.add(true);
                    }
                    return "slow";
                },
                () -> {
                    started.incrementAndGet();
                    // fails only once the slow task runs: a task that has not started when one fails is skipped
                    assertThat(slowStarted.await(30, TimeUnit.SECONDS)).as("slow task started").isTrue();
                    failing.countDown();
                    throw boom;
                },
                () -> {
                    started.incrementAndGet();
                    return "never";
                },
                () -> {
                    started.incrementAndGet();
                    return "never either";
                });
        List<ParallelTasks.Outcome<String>> outcomes = ParallelTasks.run("test", 2, tasks);
        synchronized (slowEnded) {
            assertThat(slowEnded).as("the running task had ended when run() returned").containsExactly(true);
        }
        assertThat(outcomes.get(0).value()).as("the running task's value").contains("slow");
        assertThat(outcomes.get(1).failure()).as("the failing task's failure").containsSame(boom);
        assertThat(outcomes.subList(2, 4)).as("tasks queued behind the failure").allMatch(ParallelTasks.Outcome::skipped);
        assertThat(started.get()).as("tasks started").isEqualTo(2);
    }

    @Test
    void oneAtATimeRunsInOrderAndStopsAtTheFirstFailure()
    {
        List<String> ran = new ArrayList<>();
        Exception checked = new java.io.IOException("disk full");
        List<Callable<String>> tasks = List.of(
                () -> {
                    ran.add("a");
                    return "a";
                },
                () -> {
                    ran.add("b");
                    throw checked;
                },
                () -> {
                    ran.add("c");
                    return "c";
                });
        List<ParallelTasks.Outcome<String>> outcomes = ParallelTasks.run("test", 1, tasks);
        assertThat(ran).as("tasks run").containsExactly("a", "b");
        assertThat(outcomes.get(1).failure()).as("a checked exception is an outcome, not thrown").containsSame(checked);
        assertThat(outcomes.get(2).skipped()).as("the task after the failure").isTrue();
    }

    @Test
    void anErrorIsAnOutcomeToo()
    {
        AssertionError error = new AssertionError("assertion failed in Scala code");
        List<Callable<String>> tasks = List.of(() -> {
            throw error;
        }, () -> "after");
        List<ParallelTasks.Outcome<String>> outcomes = ParallelTasks.run("test", 1, tasks);
        assertThat(outcomes.get(0).failure()).as("the error").containsSame(error);
        assertThat(outcomes.get(1).skipped()).as("the task after it").isTrue();
    }

    @Test
    void anInterruptedCallerStillWaitsForRunningTasks()
    {
        CountDownLatch running = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        List<Callable<String>> tasks = List.of(() -> {
            running.countDown();
            caller.interrupt();
            Thread.sleep(300);
            return "done";
        });
        List<ParallelTasks.Outcome<String>> outcomes = ParallelTasks.run("test", 1, tasks);
        boolean interrupted = Thread.interrupted(); // clears the flag for the next tests
        assertThat(outcomes.get(0).value()).as("the task's value, after the caller was interrupted").contains("done");
        assertThat(interrupted).as("interrupt flag restored").isTrue();
    }

    @Test
    void noTasksNoThreads()
    {
        assertThat(ParallelTasks.<String>run("test", 3, List.of())).isEmpty();
    }
}
