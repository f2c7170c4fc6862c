#!/usr/bin/env bash
# Runs a benchmark main class of the bench module on a local JVM with Spark's Java 17 flags.
#   bench/run.sh <simple class name under dev.sparkjobs.bench> [args...]
# Benchmarks write their results to stdout; BENCHMARKS.md records them with this command.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLASS="$1"; shift
# One reactor build of the bench module and the modules it needs, with its classpath pointing at their
# target/ jars: nothing is read from or installed into the local Maven repository, which other
# worktrees share (a fresh clone needs only Maven Central).
./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime -pl bench -am >&2
CP_FILE="$ROOT/bench/target/classpath.txt"
OPENS=$(sed -n 's/.*<spark.add-opens>\(.*\)<\/spark.add-opens>.*/\1/p' "$ROOT/pom.xml")
export SPARK_LOCAL_IP=127.0.0.1
exec java $OPENS ${BENCH_JAVA_OPTS:--Xmx6g} -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$ROOT/bench/target/classes:$(cat "$CP_FILE")" "dev.sparkjobs.bench.$CLASS" "$@"
