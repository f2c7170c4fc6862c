#!/usr/bin/env bash
# cost-analysis benchmark: generated CUR 2.0 Parquet, local[2]; each mode in its own JVM under
# /usr/bin/time (wall time and peak RSS). Results go to stdout; BENCHMARKS.md records them.
#   bench/cost-analysis.sh [ROWS (default 10000000)] [WORK (default /tmp/cost-analysis-bench)]
# Builds only the cost-analysis module and this benchmark's own classes (javac against the bench
# module's classpath), so that other modules being edited do not break the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROWS="${1:-10000000}"
WORK="${2:-/tmp/cost-analysis-bench}"
./mvnw -o -B -q -DskipTests install -pl jobs/cost-analysis >&2
CP_FILE="$ROOT/bench/target/cost-analysis-classpath.txt"
mkdir -p "$ROOT/bench/target"
./mvnw -o -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >&2
CLASSES="$ROOT/bench/target/cost-analysis-classes"
rm -rf "$CLASSES" && mkdir -p "$CLASSES"
javac -q -d "$CLASSES" -cp "$(cat "$CP_FILE")" "$ROOT"/bench/src/main/java/dev/sparkjobs/bench/costanalysis/*.java 2>/dev/null \
  || javac -d "$CLASSES" -cp "$(cat "$CP_FILE")" "$ROOT"/bench/src/main/java/dev/sparkjobs/bench/costanalysis/*.java
OPENS=$(sed -n 's/.*<spark.add-opens>\(.*\)<\/spark.add-opens>.*/\1/p' "$ROOT/pom.xml")
export SPARK_LOCAL_IP=127.0.0.1
run() {
  /usr/bin/time -f "TIME $1: %e s wall, %M KB peak RSS" java $OPENS ${BENCH_JAVA_OPTS:--Xmx6g} \
    -Dlog4j2.configurationFile="${BENCH_LOG4J:-$ROOT/conf/log4j2.properties}" \
    -cp "$CLASSES:$(cat "$CP_FILE")" dev.sparkjobs.bench.costanalysis.CostAnalysisBenchmark "$@"
}
run generate "$WORK" "$ROWS"
du -sh "$WORK/sample/billing"
for mode in ${MODES:-scan duckdb duckdb-line-items job}; do
  run "$mode" "$WORK"
done
