#!/usr/bin/env bash
# defect-image-stats benchmark: generate N PNGs of SIZExSIZE once, then time the job, plain Java
# (2 threads) and Spark's image source, each in its own JVM (peak memory per mode). Run it alone.
#   bench/defect-image-stats.sh [N=20000] [SIZE=512] [DIR=/tmp/defect-image-bench]
# Builds what it needs first (bench/common.sh). MODES="plain job" runs only those modes. GENERATE_ONLY=1 stops after generating the data (e.g. to make it under `nice` while the machine is busy).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
N="${1:-20000}"; SIZE="${2:-512}"; DIR="${3:-/tmp/defect-image-bench}"
bench_build
bench() { bench_java defectimages.DefectImagesBench "$@"; }
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
