package dev.sparkjobs.internal.publish;

import java.util.Collection;
import java.util.Optional;

/**
 * Tells whether a commit another writer made meanwhile came from a run of the same job and logical
 * date that started before this one: that run publishes the date, and this one gives way. A run
 * of the same date that started later is not a rival: it is the one that gives way when the two
 * meet, so that of two runs of a date at once exactly one publishes, whatever the order in which
 * their commits of different tables land. Any other writer's commit is only a reason to commit
 * again on top of it.
 */
@FunctionalInterface
public interface RivalRuns
{
    /** No writer is ever a rival: for tests of a single table. */
    RivalRuns NONE = runIds -> Optional.empty();

    /** The first of these run ids (the userMetadata of commits) that is a run of this run's job and date that started before it. */
    Optional<String> precedingRunOfTheDate(Collection<String> runIds);
}
