"""The DAG folder under test, the hand-written request fixtures, and imports from both."""
from __future__ import annotations

import contextlib
import copy
import importlib
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

DAGS = Path(__file__).resolve().parents[1] / "dags"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "requests"
DAG_MODULES = ("spark_jobs_daily", "spark_jobs_submission")


def submission() -> ModuleType:
    """spark_jobs_submission, imported from the DAG folder."""
    with _imports_from(DAGS):
        return importlib.import_module("spark_jobs_submission")


def fixture_requests(virtual_cluster_id: str | None = None) -> dict[str, dict]:
    """The hand-written StartJobRun requests by job, in the form 'render emr-on-eks' prints them."""
    requests = {}
    for path in sorted(FIXTURES.glob("*.json")):
        request = json.loads(path.read_text(encoding="utf-8"))
        if virtual_cluster_id is not None:
            request["virtualClusterId"] = virtual_cluster_id
        requests[path.stem] = request
    return copy.deepcopy(requests)


def import_dag(folder: Path, requests: dict[str, dict]) -> ModuleType:
    """spark_jobs_daily, imported from a copy of the DAG folder in `folder` holding `requests`.

    The Airflow modules it imports must be present (see provider_stand_in.airflow_stand_in).
    """
    dags = folder / "dags"
    shutil.copytree(DAGS, dags, ignore=shutil.ignore_patterns("__pycache__", "*.json"))
    for job, request in requests.items():
        (dags / "spark_jobs_requests" / f"{job}.json").write_text(json.dumps(request), encoding="utf-8")
    with _imports_from(dags):
        return importlib.import_module("spark_jobs_daily")


@contextlib.contextmanager
def _imports_from(folder: Path):
    """Imports the DAG modules afresh from `folder`; sys.path and sys.modules are restored afterwards."""
    saved_path = list(sys.path)
    saved_modules = {name: sys.modules.pop(name) for name in DAG_MODULES if name in sys.modules}
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path[:] = saved_path
        for name in DAG_MODULES:
            sys.modules.pop(name, None)
        sys.modules.update(saved_modules)
