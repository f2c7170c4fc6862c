# Sourced by the bench scripts: one way to build a benchmark and run its JVM.
# bench_build: one reactor build of the bench module and the modules it needs (tests skipped), with the
# classpath pointing at their target/ jars, so a fresh clone needs only Maven Central and nothing is
# read from or installed into the local Maven repository (which other worktrees share). Sets BENCH_CP.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OPENS=$(sed -n 's/.*<spark.add-opens>\(.*\)<\/spark.add-opens>.*/\1/p' "$ROOT/pom.xml")
export SPARK_LOCAL_IP=127.0.0.1

bench_build() {
  (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime -pl bench -am >&2)
  BENCH_CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/classpath.txt")"
}

# bench_command CLASS: sets BENCH_COMMAND to the java command line of a benchmark main class (under
# dev.sparkjobs.bench) with Spark's Java 17 flags, for wrappers such as /usr/bin/time
bench_command() {
  BENCH_COMMAND=(java $OPENS ${BENCH_JAVA_OPTS:--Xmx6g} -Dlog4j2.configurationFile="${BENCH_LOG4J:-$ROOT/conf/log4j2.properties}"
    -cp "$BENCH_CP" "dev.sparkjobs.bench.$1")
}

# bench_java CLASS ARGS...: runs that command
bench_java() {
  bench_command "$1"
  shift
  "${BENCH_COMMAND[@]}" "$@"
}
