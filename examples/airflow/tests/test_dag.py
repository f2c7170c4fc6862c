"""spark_jobs_daily against the Amazon provider's EmrContainerOperator, without Airflow.

The keyword arguments the DAG passes are checked against the provider's signature, written down
in provider_signature. Then the DAG is imported with a stand-in of Airflow and the provider
(provider_stand_in) and every task is run for two tries of one date against moto's EMR on EKS
API: each try starts a run of its own, with its own token, the date's arguments and tags.
"""
from __future__ import annotations

import ast
import contextlib
import copy
import tempfile
import unittest
from pathlib import Path

import dag_folder
import moto_server
import provider_signature as signature
import provider_stand_in

DAG_FILE = dag_folder.DAGS / "spark_jobs_daily.py"
OPERATOR_CLASS = "SparkJobsRunOperator"
DATE = "2024-09-30"


def _dag_syntax() -> ast.Module:
    return ast.parse(DAG_FILE.read_text(encoding="utf-8"), filename=str(DAG_FILE))


def _operator_class(module: ast.Module) -> ast.ClassDef:
    classes = [node for node in module.body if isinstance(node, ast.ClassDef) and node.name == OPERATOR_CLASS]
    if len(classes) != 1:
        raise AssertionError(f"{DAG_FILE.name} defines no class {OPERATOR_CLASS}")
    return classes[0]


def _method(operator: ast.ClassDef, name: str) -> ast.FunctionDef:
    return next(node for node in operator.body if isinstance(node, ast.FunctionDef) and node.name == name)


def _attributes_set_on_self(function: ast.FunctionDef) -> set[str]:
    return {
        target.attr
        for node in ast.walk(function) if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
    }


def _keyword_names(call: ast.Call) -> set[str]:
    return {keyword.arg for keyword in call.keywords if keyword.arg is not None}


class DagAgainstProviderSignatureTest(unittest.TestCase):
    """Every keyword argument the DAG passes exists in the provider's signature (provider_signature)."""

    ALL_PARAMETERS = signature.EMR_CONTAINER_OPERATOR_PARAMETERS | signature.AWS_BASE_OPERATOR_PARAMETERS | signature.BASE_OPERATOR_PARAMETERS

    def test_operator_arguments_are_parameters_of_emr_container_operator(self):
        submission = dag_folder.submission()
        for job, request in dag_folder.fixture_requests().items():
            arguments = submission.operator_arguments(job, request)
            self.assertEqual(set(arguments) - signature.EMR_CONTAINER_OPERATOR_PARAMETERS, set(),
                             f"operator_arguments of {job} that EmrContainerOperator ({signature.SOURCE_COMMIT[:12]}) does not take")
            self.assertEqual(set(signature.EMR_CONTAINER_OPERATOR_REQUIRED) - set(arguments), set(), f"required arguments missing for {job}")

    def test_the_dags_tasks_pass_only_parameters_of_the_provider(self):
        module = _dag_syntax()
        operator = _operator_class(module)
        own = {argument.arg for argument in _method(operator, "__init__").args.kwonlyargs}
        calls = [node for node in ast.walk(module)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == OPERATOR_CLASS]
        self.assertTrue(calls, f"{DAG_FILE.name} makes {OPERATOR_CLASS} tasks")
        for call in calls:
            self.assertEqual(_keyword_names(call) - own - self.ALL_PARAMETERS, set(), f"unknown arguments of {OPERATOR_CLASS}(...) at line {call.lineno}")

        super_calls = [node for node in ast.walk(_method(operator, "__init__"))
                       if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__"]
        self.assertEqual(len(super_calls), 1, f"{OPERATOR_CLASS}.__init__ calls the provider's __init__ once")
        self.assertEqual(_keyword_names(super_calls[0]) - self.ALL_PARAMETERS, set(), "unknown arguments given to EmrContainerOperator.__init__ by name")

    def test_the_default_args_are_parameters_of_base_operator(self):
        dag_calls = [node for node in ast.walk(_dag_syntax())
                     if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "DAG"]
        self.assertEqual(len(dag_calls), 1, "one DAG")
        default_args = next(keyword.value for keyword in dag_calls[0].keywords if keyword.arg == "default_args")
        names = {key.value for key in default_args.keys}
        # Airflow ignores an unknown key of default_args without a word: a misspelt 'retries' would mean no retries.
        self.assertEqual(names - signature.BASE_OPERATOR_PARAMETERS, set(), "keys of default_args that BaseOperator does not take")

    def test_what_execute_sets_is_what_the_providers_execute_submits(self):
        operator = _operator_class(_dag_syntax())
        set_in_execute = _attributes_set_on_self(_method(operator, "execute"))
        self.assertIn("client_request_token", set_in_execute, "the token of the try is set when the task runs")
        self.assertEqual(set_in_execute - signature.SUBMITTED_ATTRIBUTES, set(), f"attributes {OPERATOR_CLASS}.execute sets that the provider's execute does not submit")
        set_in_init = _attributes_set_on_self(_method(operator, "__init__"))
        self.assertFalse(set_in_init & self.ALL_PARAMETERS, f"{OPERATOR_CLASS}.__init__ overwrites none of the provider's attributes")


class DagTasksTest(unittest.TestCase):
    """The DAG's tasks, with the stand-in provider, against moto: two tries of one date per job."""

    @classmethod
    def setUpClass(cls):
        moto_server.require_boto3_and_moto()
        resources = contextlib.ExitStack()
        cls.addClassCleanup(resources.close)
        cls.server = moto_server.MotoServer()
        resources.callback(cls.server.stop)
        cls.server.start()
        cls.client = cls.server.client()
        cls.virtual_cluster_id = cls.client.create_virtual_cluster(
            name="spark-jobs-dag-test",
            containerProvider={"id": "spark-jobs-test-eks", "type": "EKS", "info": {"eksInfo": {"namespace": "spark-jobs-dag-test"}}},
        )["id"]
        cls.requests = dag_folder.fixture_requests(cls.virtual_cluster_id)
        folder = Path(resources.enter_context(tempfile.TemporaryDirectory(prefix="spark-jobs-dag-")))
        resources.enter_context(provider_stand_in.airflow_stand_in(lambda: cls.client))
        cls.dag = dag_folder.import_dag(folder, cls.requests).dag

    def test_there_is_a_task_per_rendered_request(self):
        self.assertEqual(sorted(self.dag.tasks), sorted(job.replace("-", "_") for job in self.requests))

    def test_each_try_starts_a_run_of_its_own_with_the_dates_arguments_and_tags(self):
        for job in self.requests:
            tokens, run_ids = [], []
            for try_number in (1, 2):
                with self.subTest(job=job, try_number=try_number):
                    task = copy.deepcopy(self.dag.tasks[job.replace("-", "_")])
                    provider_stand_in.render_templates(task, DATE)
                    run_id = task.execute({"ds": DATE, "ti": provider_stand_in.TaskInstance(try_number)})
                    run = self.client.describe_job_run(id=run_id, virtualClusterId=self.virtual_cluster_id)["jobRun"]

                    self.assertEqual(run["name"], f"{job}-{DATE}")
                    self.assertEqual(run["virtualClusterId"], self.virtual_cluster_id)
                    arguments = run["jobDriver"]["sparkSubmitJobDriver"]["entryPointArguments"]
                    self.assertEqual(arguments[:4], ["run", job, "--date", DATE], f"arguments of the run: {arguments}")
                    self.assertEqual({key: run["tags"].get(key) for key in ("job", "env", "date")}, {"job": job, "env": "prod", "date": DATE})
                    self.assertEqual(run["clientToken"], task.client_request_token, "the token the task sent")
                    self.assertNotIn("{{", repr(run), "nothing left unrendered")
                    tokens.append(run["clientToken"])
                    run_ids.append(run_id)
            self.assertEqual(len(set(tokens)), len(tokens), f"the tries of {job} send different tokens: {tokens}")
            self.assertEqual(len(set(run_ids)), len(run_ids), f"each try of {job} is a run: {run_ids}")


if __name__ == "__main__":
    unittest.main()
