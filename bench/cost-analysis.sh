#!/usr/bin/env bash
# cost-analysis benchmark: generated CUR 2.0 Parquet, local[2]; each mode in its own JVM under
# /usr/bin/time (wall time and peak RSS). Results go to stdout; BENCHMARKS.md records them.
#   bench/cost-analysis.sh [ROWS (default 10000000)] [WORK (default /tmp/cost-analysis-bench)]
# Builds what it needs first (bench/common.sh), so it runs on a fresh clone as written.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROWS="${1:-10000000}"
WORK="${2:-/tmp/cost-analysis-bench}"
bench_build
bench_command costanalysis.CostAnalysisBenchmark
run() { /usr/bin/time -f "TIME $1: %e s wall, %M KB peak RSS" "${BENCH_COMMAND[@]}" "$@"; }
run generate "$WORK" "$ROWS"
du -sh "$WORK/sample/billing"
for mode in ${MODES:-scan duckdb duckdb-line-items job}; do
  run "$mode" "$WORK"
done
