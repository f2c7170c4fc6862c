package dev.sparkjobs.internal.runtime;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a run's tasks (one per table) up to a number at a time, for work that is mostly latency
 * (Spark jobs of small tables, Delta commits). Once a task fails, the tasks not started yet are
 * skipped; a running task is never cancelled or abandoned: {@link #run} returns only when no task
 * runs any more, so that the caller can clean up after all of them.
 */
final class ParallelTasks
{
    private ParallelTasks() {}

    /** What became of one task: its value, its failure, or neither when it was skipped after another task failed. */
    record Outcome<T>(Optional<T> value, Optional<Throwable> failure)
    {
        Outcome
        {
            requireNonNull(value, "value is null");
            requireNonNull(failure, "failure is null");
        }

        boolean skipped()
        {
            return value.isEmpty() && failure.isEmpty();
        }
    }

    /**
     * Runs {@code tasks} on up to {@code parallel} daemon threads named {@code threadName}; returns
     * their outcomes in the order of {@code tasks}. A task's null result is an empty value. When the
     * calling thread is interrupted meanwhile, this still waits for every running task and then
     * restores the thread's interrupt flag.
     */
    static <T> List<Outcome<T>> run(String threadName, int parallel, List<? extends Callable<T>> tasks)
    {
        requireNonNull(threadName, "threadName is null");
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, tasks.size())), runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<Outcome<T>>> running = new ArrayList<>();
        Throwable notSubmitted = null;
        try {
            for (Callable<T> task : tasks) {
                running.add(pool.submit(() -> {
                    if (failed.get()) {
                        return new Outcome<>(Optional.empty(), Optional.empty());
                    }
                    try {
                        return new Outcome<>(Optional.ofNullable(task.call()), Optional.empty());
                    }
                    catch (Throwable e) { // includes checked exceptions thrown undeclared by Scala code
                        failed.set(true);
                        return new Outcome<T>(Optional.empty(), Optional.of(e));
                    }
                }));
            }
        }
        catch (RuntimeException | Error e) { // no thread for a task (out of native threads, say): the tasks submitted still run
            failed.set(true);
            notSubmitted = e;
        }
        finally {
            pool.shutdown();
        }
        List<Outcome<T>> outcomes = new ArrayList<>();
        boolean interrupted = false;
        for (Future<Outcome<T>> task : running) {
            while (true) {
                try {
                    outcomes.add(task.get()); // nothing is cancelled: get() returns when the task has ended
                    break;
                }
                catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the caller cleans up after the tasks, so they must have ended
                }
                catch (ExecutionException e) { // not thrown: every task catches its own failure
                    outcomes.add(new Outcome<>(Optional.empty(), Optional.of(e.getCause())));
                    break;
                }
            }
        }
        for (int i = outcomes.size(); i < tasks.size(); i++) {
            outcomes.add(new Outcome<>(Optional.empty(), Optional.of(notSubmitted)));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return outcomes;
    }
}
