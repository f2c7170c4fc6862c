#!/usr/bin/env bash
# similarity-scoring benchmarks (see BENCHMARKS.md, section similarity-scoring).
#   bench/similarity-scoring.sh compare   # 200k listings: IVF vs exact blocked brute force vs MLlib LSH
#   bench/similarity-scoring.sh scale     # IVF wall time at 100k, 200k, 500k, 1M listings
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-compare}" in
  compare) exec env BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx12g}" "$ROOT/bench/run.sh" similarity.SimilarityBenchmark compare 200000 "${@:2}" ;;
  scale) exec env BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx12g}" "$ROOT/bench/run.sh" similarity.SimilarityBenchmark scale 100000 200000 500000 1000000 ;;
  *) echo "usage: $0 compare|scale" >&2; exit 2 ;;
esac
