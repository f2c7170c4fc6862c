#!/usr/bin/env bash
# Fault injection, the full sweep: drivers killed (SIGKILL) at KILLS seeded random moments spread over
# the three jobs and the six phases of a run (ledger start, reading, staging, checks, commits, final
# ledger row), on an S3 lake (S3Proxy). After each kill every output table must read as before the run
# or as after a successful run, with no duplicates, a re-run of the date must give a clean run's tables,
# and the killed run's ledger row must end ABANDONED (app/src/test/java/dev/sparkjobs/app/DriverKillIT.java;
# CI runs 6 kills over two of the jobs). The figures go to app/target/fault-sweep.md and stdout.
#   bench/fault-sweep.sh [KILLS (default 24)] [SEED (default 15)]
# Builds what it needs first, in one reactor (app and the modules it needs; unit tests not run; nothing
# is installed into the local Maven repository, which other worktrees share), so it runs on a fresh
# clone as written; Maven options such as -o go in MAVEN_ARGS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KILLS="${1:-24}"
SEED="${2:-15}"
cd "$ROOT"
rm -f app/target/fault-sweep.md
status=0
./mvnw -B -q -ntp verify -pl app -am -Dit.test=DriverKillIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfaults.kills="$KILLS" -Dfaults.seed="$SEED" -Dfaults.jobs=cost-analysis,defect-image-stats,similarity-scoring || status=$?
if [[ -f app/target/fault-sweep.md ]]; then
  cat app/target/fault-sweep.md
fi
exit "$status"
