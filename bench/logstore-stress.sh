#!/usr/bin/env bash
# Delta log stores under concurrent writers: each writer its own JVM, all committing to one log in
# a tight loop, on S3Proxy (our conditional-put store vs Delta's default S3SingleDriverLogStore)
# and on a local folder (our exclusive-link store vs Delta's default HDFSLogStore); then the time of
# one commit-file write on S3Proxy with each S3 store. Results go to stdout; BENCHMARKS.md records them.
#   bench/logstore-stress.sh [WRITERS (default 6)] [COMMITS per writer (default 25)] [WORK (default /tmp/logstore-bench)]
# Builds what it needs first: lib/runtime with its test classes (the stress harness lives there) and
# the modules it depends on, in one reactor, which also copies S3Proxy's jar to lib/runtime/target/s3proxy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./mvnw -B -q -ntp -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test -pl lib/runtime -am >&2
MODULE="$ROOT/lib/runtime/target"
OPENS=$(sed -n 's/.*<spark.add-opens>\(.*\)<\/spark.add-opens>.*/\1/p' "$ROOT/pom.xml")
exec java $OPENS -Xmx1g -Dlog4j2.configurationFile="$ROOT/conf/log4j2-test.properties" \
  -Dspark-jobs.s3proxy.jar="$MODULE/s3proxy/s3proxy.jar" \
  -cp "$MODULE/test-classes:$MODULE/classes:$(cat "$MODULE/test-classpath.txt")" \
  dev.sparkjobs.testing.LogStoreBench "$@" 2>/dev/null | grep '^RESULT'
