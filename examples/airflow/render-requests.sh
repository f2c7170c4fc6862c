#!/usr/bin/env bash
# Renders the StartJobRun request of every job the DAG runs into dags/spark_jobs_requests/<job>.json,
# for one environment. Run it when building the DAG bundle, after building the application jar:
#
#   examples/airflow/render-requests.sh prod          (SPARK_JOBS_IMAGE_URI=... to pin the image tag)
#
# Every job of 'spark-jobs list' is rendered except the installation check smoke-test
# (SKIP_JOBS="a b" changes the list). The date is a placeholder: the DAG puts {{ ds }} in its place.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ENV_NAME="${1:?usage: $0 ENV (dev or prod)}"
OUT="$ROOT/examples/airflow/dags/spark_jobs_requests"
SKIP_JOBS="${SKIP_JOBS:-smoke-test}"
mkdir -p "$OUT"
rm -f "$OUT"/*.json
for job in $("$ROOT/bin/spark-jobs" list | awk '{print $1}'); do
  if [[ " $SKIP_JOBS " == *" $job "* ]]; then
    continue
  fi
  "$ROOT/bin/spark-jobs" render emr-on-eks "$job" --date 2000-01-01 --env "$ENV_NAME" >"$OUT/$job.json"
  echo "rendered $OUT/$job.json"
done
