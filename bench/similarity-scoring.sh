#!/usr/bin/env bash
# similarity-scoring benchmarks (see BENCHMARKS.md, section similarity-scoring).
#   bench/similarity-scoring.sh compare [probes lshTables lshBucket lshThreshold lshQueryFraction exactQueryFraction]
#       200k listings in one JVM: the job's IVF search vs exact blocked brute force vs MLlib LSH
#       (probes: the IVF's ann.probes, the job's default is 8; its other settings are the job's defaults)
#   bench/similarity-scoring.sh tune N exactQueryFraction listSize:probes:coarseProbes ...
#       N listings in one JVM: exact search on a sample of the queries, then the IVF at each setting
#       (time and task CPU per phase, recall@10 on the sample), to choose defaults
#   bench/similarity-scoring.sh scale [N ...]
#       the packaged job end to end (bin/spark-jobs run, local[2]) at 100k, 200k, 500k, 1M listings:
#       wall time, peak RSS (GNU time), per-step times; sample data is generated first (not timed)
# Environment: SIM_BENCH_DIR (default /tmp/similarity-bench) holds the generated data and lakes;
# SPARK_JOBS_DRIVER_MEMORY / SPARK_JOBS_JAVA_OPTS are passed to bin/spark-jobs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "${1:-compare}" in
  compare) exec env BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx12g}" "$ROOT/bench/run.sh" similarity.SimilarityBenchmark compare 200000 "${@:2}" ;;
  tune) exec env BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx12g}" "$ROOT/bench/run.sh" similarity.SimilarityBenchmark tune "${@:2}" ;;
  scale)
    DIR="${SIM_BENCH_DIR:-/tmp/similarity-bench}"
    SIZES=("${@:2}")
    [[ ${#SIZES[@]} -gt 0 ]] || SIZES=(100000 200000 500000 1000000)
    for n in "${SIZES[@]}"; do
      data="$DIR/data-$n"; lake="$DIR/lake-$n"
      [[ -d "$data/listings" ]] || "$ROOT/bin/spark-jobs" sample-data similarity-scoring --out "$data" --scale "$n" --dim 128 >/dev/null
      rm -rf "$lake"
      echo "== n=$n load average before: $(cat /proc/loadavg)"
      /usr/bin/time -f "n=$n wall %e s, peak RSS %M KiB, user %U s, sys %S s" \
        "$ROOT/bin/spark-jobs" run similarity-scoring --date 2024-09-30 \
          --set "input.listings=file:$data/listings" --set "input.authorized-sellers=file:$data/authorized_sellers" \
          --set "output.root=file:$lake" 2>&1 | grep -E "succeeded|failed|steps:|wall|ERROR|WARN.*recall|genuine_listings|flagged" || true
      echo "== n=$n load average after: $(cat /proc/loadavg)"
      # the run's ann_quality row (recall@k on the sampled queries), recorded before the lake goes
      "$ROOT/bin/spark-jobs" export --format=csv --out="$DIR/ann_quality-$n.csv" "file:$lake/ann_quality" >/dev/null 2>&1 \
        && echo "== n=$n ann_quality:" && cat "$DIR/ann_quality-$n.csv"
      rm -rf "$lake"
    done ;;
  *) echo "usage: $0 compare [args] | tune N fraction settings... | scale [N ...]" >&2; exit 2 ;;
esac
