"""Runs every packaged spark-jobs job daily on EMR on EKS for the logical date {{ ds }}.

The jobs and their StartJobRun requests come from spark_jobs_requests/*.json, rendered at build
time by examples/airflow/render-requests.sh ENV (the same requests 'spark-jobs render emr-on-eks'
prints). Retries are safe: a run replaces its date's partition, it never appends twice.
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
