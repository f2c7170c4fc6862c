#!/usr/bin/env bash
# Runs a benchmark main class of the bench module on a local JVM with Spark's Java 17 flags, after
# building what it needs (bench/common.sh).
#   bench/run.sh <class name under dev.sparkjobs.bench> [args...]
# Benchmarks write their results to stdout; BENCHMARKS.md records them with this command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
CLASS="$1"; shift
bench_build
bench_java "$CLASS" "$@"
