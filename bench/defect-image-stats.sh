#!/usr/bin/env bash
# defect-image-stats benchmark: generate N PNGs of SIZExSIZE once, then time the job, plain Java
# (2 threads) and Spark's image source, each in its own JVM (peak memory per mode). Run it alone.
#   bench/defect-image-stats.sh [N=20000] [SIZE=512] [DIR=/tmp/defect-image-bench]
# MODES="plain job" runs only those modes. GENERATE_ONLY=1 stops after generating the data (e.g. to make it under `nice` while the machine is busy).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-20000}"; SIZE="${2:-512}"; DIR="${3:-/tmp/defect-image-bench}"
cd "$ROOT"
./mvnw -B -q -o -DskipTests install -pl jobs/defect-image-stats >&2
CP_FILE="$ROOT/bench/target/defectimages-classpath.txt"
./mvnw -B -q -o -pl bench dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >&2
# only this benchmark's class: the bench module may hold other benchmarks that do not compile right now
CLASSES="$ROOT/bench/target/defectimages-classes"
rm -rf "$CLASSES" && mkdir -p "$CLASSES"
javac -d "$CLASSES" -cp "$(cat "$CP_FILE")" bench/src/main/java/dev/sparkjobs/bench/defectimages/*.java
OPENS=$(sed -n 's/.*<spark.add-opens>\(.*\)<\/spark.add-opens>.*/\1/p' "$ROOT/pom.xml")
export SPARK_LOCAL_IP=127.0.0.1
bench() {
  java $OPENS ${BENCH_JAVA_OPTS:--Xmx6g} -Dlog4j2.configurationFile="${BENCH_LOG4J:-$ROOT/conf/log4j2.properties}" \
    -cp "$CLASSES:$(cat "$CP_FILE")" dev.sparkjobs.bench.defectimages.DefectImagesBench "$@"
}
if [[ "$(cat "$DIR/.generated" 2>/dev/null)" != "$N $SIZE" ]]; then
  rm -rf "$DIR"
  bench generate "$DIR" "$N" "$SIZE" | grep -E '^(RESULT|Wrote)'
  echo "$N $SIZE" > "$DIR/.generated"
fi
du -sh "$DIR/images"
[[ "${GENERATE_ONLY:-0}" == 1 ]] && exit 0
for mode in ${MODES:-plain plain-job-decoder image-source job}; do
  rm -rf "$DIR-lake"
  bench "$mode" "$DIR" "$DIR-lake" | grep -E '^(RESULT|plain|image source|defect-image-stats succeeded|  image_features|  steps:)'
done
