"""A hand-written stand-in for the parts of Airflow and its Amazon provider the DAG touches.

Airflow cannot be installed here. The stand-in takes the provider's signature from
provider_signature (a misspelled or unknown keyword argument is a TypeError, as in Airflow), and
its EmrContainerOperator.execute submits the run the way the provider does: the operator's
arguments go to EmrContainerHook.submit_job, which calls StartJobRun of the emr-containers client
(here a boto3 client of moto's server). It neither polls nor defers: moto's runs stay RUNNING.
"""
from __future__ import annotations

import contextlib
import re
import sys
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

import provider_signature as signature

TEMPLATE = re.compile(r"\{\{\s*ds\s*\}\}")


def start_job_run_parameters(
    *,
    name: str,
    virtual_cluster_id: str,
    execution_role_arn: str,
    release_label: str,
    job_driver: dict,
    configuration_overrides: dict | None = None,
    client_request_token: str | None = None,
    tags: dict | None = None,
    job_retry_max_attempts: int | None = None,
) -> dict:
    """The StartJobRun parameters the provider sends for these EmrContainerOperator arguments."""
    parameters = {
        "name": name,
        "virtualClusterId": virtual_cluster_id,
        "executionRoleArn": execution_role_arn,
        "releaseLabel": release_label,
        "jobDriver": job_driver,
        "configurationOverrides": configuration_overrides or {},
        "tags": tags or {},
    }
    if client_request_token:
        parameters["clientToken"] = client_request_token
    if job_retry_max_attempts:
        parameters["retryPolicyConfiguration"] = {"maxAttempts": job_retry_max_attempts}
    return parameters


@dataclass(frozen=True)
class TaskInstance:
    try_number: int


def render_templates(task: Any, ds: str) -> None:
    """What Airflow does to a task before execute, for {{ ds }} only: fills it in the template fields."""
    for field in type(task).template_fields:
        rendered = _render(getattr(task, field), ds)
        if "{{" in repr(rendered):
            raise ValueError(f"{task.task_id}.{field} holds a template other than {{{{ ds }}}}: {rendered!r}")
        setattr(task, field, rendered)


def _render(value: Any, ds: str) -> Any:
    if isinstance(value, str):
        return TEMPLATE.sub(ds, value)
    if isinstance(value, list):
        return [_render(item, ds) for item in value]
    if isinstance(value, dict):
        return {key: _render(item, ds) for key, item in value.items()}
    return value


class DAG:
    def __init__(self, dag_id: str, *, default_args: dict | None = None, **settings: Any) -> None:
        self.dag_id = dag_id
        self.default_args = dict(default_args or {})
        self.settings = settings
        self.tasks: dict[str, BaseOperator] = {}

    def __enter__(self) -> DAG:
        _DAGS.append(self)
        return self

    def __exit__(self, *exception: Any) -> None:
        _DAGS.pop()


_DAGS: list[DAG] = []


class BaseOperator:
    template_fields: tuple[str, ...] = ()

    def __init__(self, **arguments: Any) -> None:
        dag = _DAGS[-1] if _DAGS else None
        defaults = dag.default_args if dag else {}
        unknown = sorted((set(arguments) | set(defaults)) - signature.BASE_OPERATOR_PARAMETERS)
        if unknown:
            # Airflow raises for unknown keyword arguments and silently ignores unknown default_args.
            raise TypeError(f"Invalid arguments were passed to {type(self).__name__}: {unknown}")
        if "task_id" not in arguments:
            raise TypeError(f"{type(self).__name__} needs a task_id")
        for name, value in {**defaults, **arguments}.items():
            setattr(self, name, value)
        if dag is not None:
            dag.tasks[self.task_id] = self


class EmrContainerOperator(BaseOperator):
    template_fields = signature.TEMPLATE_FIELDS
    client_factory: Callable[[], Any] | None = None

    def __init__(self, **arguments: Any) -> None:
        own = {name: arguments.pop(name) for name in list(arguments) if name in signature.EMR_CONTAINER_OPERATOR_PARAMETERS}
        aws = {name: arguments.pop(name) for name in list(arguments) if name in signature.AWS_BASE_OPERATOR_PARAMETERS}
        missing = [name for name in signature.EMR_CONTAINER_OPERATOR_REQUIRED if name not in own]
        if missing:
            raise TypeError(f"EmrContainerOperator is missing the keyword arguments {missing}")
        super().__init__(**arguments)
        for name in signature.EMR_CONTAINER_OPERATOR_REQUIRED:
            setattr(self, name, own[name])
        for name, default in signature.EMR_CONTAINER_OPERATOR_OPTIONAL.items():
            setattr(self, name, own.get(name, default))
        self.aws_conn_id = aws.get("aws_conn_id", "aws_default")
        self.configuration_overrides = self.configuration_overrides or {}
        self.client_request_token = self.client_request_token or str(uuid.uuid4())
        self.job_id: str | None = None

    def execute(self, context: dict) -> str:
        parameters = start_job_run_parameters(
            name=self.name,
            virtual_cluster_id=self.virtual_cluster_id,
            execution_role_arn=self.execution_role_arn,
            release_label=self.release_label,
            job_driver=self.job_driver,
            configuration_overrides=self.configuration_overrides,
            client_request_token=self.client_request_token,
            tags=self.tags,
            job_retry_max_attempts=self.job_retry_max_attempts,
        )
        self.job_id = type(self).client_factory().start_job_run(**parameters)["id"]
        return self.job_id


@contextlib.contextmanager
def airflow_stand_in(client_factory: Callable[[], Any]):
    """Makes `from airflow import DAG` and the provider's EmrContainerOperator import the stand-in."""
    modules = {
        "airflow": {"DAG": DAG},
        "airflow.providers": {},
        "airflow.providers.amazon": {},
        "airflow.providers.amazon.aws": {},
        "airflow.providers.amazon.aws.operators": {},
        "airflow.providers.amazon.aws.operators.emr": {"EmrContainerOperator": EmrContainerOperator},
    }
    saved = {name: sys.modules[name] for name in modules if name in sys.modules}
    for name, attributes in modules.items():
        module = ModuleType(name)
        module.__dict__.update(attributes)
        sys.modules[name] = module
    EmrContainerOperator.client_factory = staticmethod(client_factory)
    try:
        yield
    finally:
        EmrContainerOperator.client_factory = None
        for name in modules:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
