"""Runs every packaged spark-jobs job daily on EMR on EKS for the logical date {{ ds }}.

The jobs and their StartJobRun requests come from spark_jobs_requests/*.json, rendered at build
time by examples/airflow/render-requests.sh ENV (the same requests 'spark-jobs render emr-on-eks'
prints). Retries are safe: a run replaces its date's partition, it never appends twice. So every
try sends a client request token of its own (one per job, date and try): a resubmission within a
try starts no second run, and a retry starts a new one.

Written against the Amazon provider (apache-airflow-providers-amazon, 9.x line) as its source reads
at apache/airflow commit 9c62bfae76b8aa52642a4f935d1a204cc5433faf
(providers/amazon/src/airflow/providers/amazon/aws/operators/emr.py), whose EmrContainerOperator
takes the keyword arguments name, virtual_cluster_id, execution_role_arn, release_label, job_driver
(required), configuration_overrides, client_request_token, wait_for_completion, poll_interval,
tags, max_polling_attempts, job_retry_max_attempts and deferrable, and those of AwsBaseOperator
(aws_conn_id, region_name, verify, botocore_config). Its execute reads client_request_token and
tags when the task runs, and neither is a template field, so SparkJobsRunOperator sets both in
execute, for the try's date. examples/airflow/tests/provider_signature.py holds the same as data
and the tests there check this DAG against it: update both when moving to another release.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.amazon.aws.operators.emr import EmrContainerOperator

from spark_jobs_submission import client_request_token, load_requests, operator_arguments, run_tags


class SparkJobsRunOperator(EmrContainerOperator):
    """EmrContainerOperator with an idempotency token and tags per (job, date, try)."""

    def __init__(self, *, job: str, request: dict, **kwargs):
        super().__init__(**operator_arguments(job, request), **kwargs)
        self.job = job
        self.request = request

    def execute(self, context):
        ds = context["ds"]
        self.client_request_token = client_request_token(self.job, ds, context["ti"].try_number)
        self.tags = run_tags(self.job, self.request, ds)
        return super().execute(context)


with DAG(
    dag_id="spark_jobs_daily",
    description="spark-jobs on EMR on EKS, once per logical date",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=10),
        "retry_exponential_backoff": True,
        "execution_timeout": timedelta(hours=6),
    },
    tags=["spark-jobs", "emr-on-eks"],
) as dag:
    for job, request in load_requests().items():
        SparkJobsRunOperator(
            task_id=job.replace("-", "_"),
            job=job,
            request=request,
            aws_conn_id="aws_default",
            poll_interval=60,
        )
