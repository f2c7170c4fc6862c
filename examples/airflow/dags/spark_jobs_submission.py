"""Turns StartJobRun requests rendered at build time into EmrContainerOperator arguments.

`render-requests.sh` writes one request per job ('spark-jobs render emr-on-eks JOB --date ...')
into spark_jobs_requests/<job>.json next to this file. The requests are rendered for a placeholder
date; what depends on the date (the --date argument and the run's name) is put back here as
Airflow's {{ ds }}, and the idempotency token per (job, date, try) is made when the task runs.
Plain Python (no Airflow import), so it can be tested without Airflow.
"""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

REQUESTS_FOLDER = Path(__file__).parent / "spark_jobs_requests"
DS = "{{ ds }}"
MAX_TOKEN_LENGTH = 64


def load_requests(folder: Path = REQUESTS_FOLDER) -> dict[str, dict]:
    """The rendered requests by job name (the name of each file), sorted by job."""
    requests = {}
    for path in sorted(folder.glob("*.json")):
        requests[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    if not requests:
        raise FileNotFoundError(
            f"No rendered requests in {folder}: run examples/airflow/render-requests.sh ENV when building the DAG bundle"
        )
    return requests


def operator_arguments(job: str, request: dict, ds: str = DS) -> dict:
    """EmrContainerOperator keyword arguments for one job; `ds` is Airflow's template by default."""
    job_driver = copy.deepcopy(request["jobDriver"])
    arguments = job_driver["sparkSubmitJobDriver"]["entryPointArguments"]
    if arguments[:2] != ["run", job] or "--date" not in arguments:
        raise ValueError(f"The rendered request for {job} does not run it with --date: {arguments}")
    arguments[arguments.index("--date") + 1] = ds
    return {
        "name": f"{job}-{ds}",
        "virtual_cluster_id": request["virtualClusterId"],
        "execution_role_arn": request["executionRoleArn"],
        "release_label": request["releaseLabel"],
        "job_driver": job_driver,
        "configuration_overrides": copy.deepcopy(request["configurationOverrides"]),
        "job_retry_max_attempts": request["retryPolicyConfiguration"]["maxAttempts"],
    }


def run_tags(job: str, request: dict, ds: str) -> dict:
    """The request's tags with the run's date."""
    tags = dict(request.get("tags", {}))
    tags.update({"job": job, "date": ds})
    return tags


def client_request_token(job: str, ds: str, try_number: int) -> str:
    """One token per (job, date, try): a resubmission within a try starts no second run, a retry starts a new one."""
    token = f"{job}-{ds}-try{try_number}"
    if len(token) <= MAX_TOKEN_LENGTH:
        return token
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
