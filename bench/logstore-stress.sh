#!/usr/bin/env bash
# Delta log stores under concurrent writers: each writer its own JVM, all committing to one log in
# a tight loop, on S3Proxy (our conditional-put store vs Delta's default S3SingleDriverLogStore)
# and on a local folder (our exclusive-link store vs Delta's default HDFSLogStore); then the time of
# one commit-file write on S3Proxy with each S3 store. Results go to stdout; BENCHMARKS.md records them.
#   bench/logstore-stress.sh [WRITERS (default 6)] [COMMITS per writer (default 25)] [WORK (default /tmp/logstore-bench)]
# Builds the lib module and its test classes first (the stress harness and S3Proxy live there).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -B -q -ntp -DskipTests test-compile -pl lib -am >&2
./mvnw -B -q -ntp generate-test-resources -pl lib >&2   # copies the S3Proxy jar to lib/target/s3proxy
CP_FILE="$ROOT/lib/target/test-classpath.txt"
./mvnw -B -q -ntp -pl lib dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >&2
OPENS=$(sed -n 's/.*<spark.add-opens>\(.*\)<\/spark.add-opens>.*/\1/p' "$ROOT/pom.xml")
exec java $OPENS -Xmx1g -Dlog4j2.configurationFile="$ROOT/conf/log4j2-test.properties" \
  -Dspark-jobs.s3proxy.jar="$ROOT/lib/target/s3proxy/s3proxy.jar" \
  -cp "$ROOT/lib/target/test-classes:$ROOT/lib/target/classes:$(cat "$CP_FILE")" \
  dev.sparkjobs.testing.LogStoreBench "$@" 2>/dev/null | grep '^RESULT'
