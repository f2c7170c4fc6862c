package dev.sparkjobs.internal.publish;

import java.util.Collection;
import java.util.Optional;

/**
 * Tells whether commits another writer made meanwhile came from another run of the same job and
 * logical date: that run has published the data this one computed, so this one must not publish
 * it again. Any other writer's commit is only a reason to commit again on top of it.
 */
@FunctionalInterface
public interface RivalRuns
{
    /** No writer is ever a rival: for tests of a single table, and for the run ledger. */
    RivalRuns NONE = runIds -> Optional.empty();

    /** The first of these run ids (the userMetadata of commits) that is a run of this run's job and date. */
    Optional<String> sameJobAndDate(Collection<String> runIds);
}
