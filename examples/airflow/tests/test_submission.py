"""spark_jobs_submission: what it builds from a rendered request, and what EMR on EKS makes of it.

The requests are the hand-written fixtures in fixtures/requests (AirflowDagTest in lib/ checks the
same helper against the requests 'render emr-on-eks' prints). The submissions go to moto's
emr-containers API through boto3, mapped from the operator's arguments as the Amazon provider maps
them, so botocore validates every request against the API's service model.
"""
from __future__ import annotations

import copy
import re
import unittest

import dag_folder
import moto_server
import provider_stand_in
import service_model

submission = dag_folder.submission()

DATE = "2024-09-30"
NEXT_DATE = "2024-10-01"
LONG_JOB = "inventory-reconciliation-across-regional-warehouses"


class OperatorArgumentsTest(unittest.TestCase):
    def test_the_arguments_run_the_job_for_the_date_with_everything_else_as_rendered(self):
        request = dag_folder.fixture_requests()["cost-analysis"]
        before = copy.deepcopy(request)

        arguments = submission.operator_arguments("cost-analysis", request, DATE)

        self.assertEqual(arguments, {
            "name": "cost-analysis-2024-09-30",
            "virtual_cluster_id": "replacedbythetestsvirtualcluster",
            "execution_role_arn": "arn:aws:iam::444455556666:role/spark-jobs-test-execution",
            "release_label": "emr-7.12.0-latest",
            "job_driver": {"sparkSubmitJobDriver": {
                "entryPoint": "local:///opt/spark-jobs/spark-jobs.jar",
                "entryPointArguments": ["run", "cost-analysis", "--date", "2024-09-30", "--env", "prod",
                                        "--set", "input.billing=s3a://billing-exports/cur2/"],
                "sparkSubmitParameters": "--class dev.sparkjobs.cli.Main --jars local:///usr/share/aws/delta/lib/delta-spark.jar",
            }},
            "configuration_overrides": before["configurationOverrides"],
            "job_retry_max_attempts": 2,
        }, "operator arguments for 2024-09-30; the rendered clientToken is not among them (the DAG makes one per try)")
        self.assertEqual(request, before, "the rendered request is left as it was")

    def test_a_request_that_does_not_run_its_job_with_a_date_is_refused(self):
        request = dag_folder.fixture_requests()["cost-analysis"]
        request["jobDriver"]["sparkSubmitJobDriver"]["entryPointArguments"] = ["run", "smoke-test", "--date", "2000-01-01"]

        with self.assertRaisesRegex(ValueError, r"The rendered request for cost-analysis does not run it with --date"):
            submission.operator_arguments("cost-analysis", request, DATE)


class RunTagsTest(unittest.TestCase):
    def test_the_tags_carry_the_runs_date_and_keep_the_others(self):
        request = dag_folder.fixture_requests()[LONG_JOB]

        tags = submission.run_tags(LONG_JOB, request, DATE)

        self.assertEqual(tags, {"app": "spark-jobs", "job": LONG_JOB, "env": "prod", "date": "2024-09-30", "team": "supply-chain"})
        self.assertEqual(request["tags"]["date"], "2000-01-01", "the rendered request's tags are left as they were")


class ClientRequestTokenTest(unittest.TestCase):
    RUNS = [(job, date, try_number) for job in ("cost-analysis", LONG_JOB) for date in (DATE, NEXT_DATE) for try_number in (1, 2, 3)]

    def test_every_job_date_and_try_has_its_own_token(self):
        tokens = {run: submission.client_request_token(*run) for run in self.RUNS}

        self.assertEqual(len(set(tokens.values())), len(self.RUNS), f"distinct tokens for {len(self.RUNS)} (job, date, try): {tokens}")

    def test_a_token_too_long_for_the_api_is_a_digest(self):
        for date in (DATE, NEXT_DATE):
            for try_number in (1, 2, 3):
                token = submission.client_request_token(LONG_JOB, date, try_number)
                self.assertRegex(token, r"\A[0-9a-f]{64}\Z", f"token of {LONG_JOB} ({len(LONG_JOB)} characters), {date}, try {try_number}")

    def test_every_token_is_a_valid_client_token(self):
        import botocore.session

        shape = botocore.session.get_session().get_service_model("emr-containers").operation_model("StartJobRun").input_shape.members["clientToken"]
        for run in self.RUNS:
            token = submission.client_request_token(*run)
            self.assertTrue(shape.metadata["min"] <= len(token) <= shape.metadata["max"], f"length of {token!r} for {run}")
            self.assertIsNotNone(re.fullmatch(shape.metadata["pattern"], token), f"{token!r} for {run} matches {shape.metadata['pattern']}")


class ProviderMappingTest(unittest.TestCase):
    """The stand-in's mapping of operator arguments to StartJobRun, against hand-written expectations."""

    def test_the_arguments_map_to_start_job_run_parameters(self):
        parameters = provider_stand_in.start_job_run_parameters(
            name="n", virtual_cluster_id="vc", execution_role_arn="role", release_label="emr-7.12.0-latest",
            job_driver={"sparkSubmitJobDriver": {"entryPoint": "e"}}, client_request_token="token", tags={"k": "v"},
            job_retry_max_attempts=2,
        )

        self.assertEqual(parameters, {
            "name": "n", "virtualClusterId": "vc", "executionRoleArn": "role", "releaseLabel": "emr-7.12.0-latest",
            "jobDriver": {"sparkSubmitJobDriver": {"entryPoint": "e"}}, "configurationOverrides": {}, "tags": {"k": "v"},
            "clientToken": "token", "retryPolicyConfiguration": {"maxAttempts": 2},
        })

    def test_without_a_retry_policy_there_is_no_retry_policy_configuration(self):
        parameters = provider_stand_in.start_job_run_parameters(
            name="n", virtual_cluster_id="vc", execution_role_arn="role", release_label="l", job_driver={})

        self.assertNotIn("retryPolicyConfiguration", parameters)
        self.assertNotIn("clientToken", parameters, "no token: boto3 makes one (the provider's operator always passes one)")
        self.assertEqual(parameters["tags"], {})


class StartJobRunTest(unittest.TestCase):
    """What the helper builds, for two tries of one date, submitted to moto and described back."""

    @classmethod
    def setUpClass(cls):
        moto_server.require_boto3_and_moto()
        cls.server = moto_server.MotoServer()
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()
        cls.client = cls.server.client()
        cls.virtual_cluster_id = cls.client.create_virtual_cluster(
            name="spark-jobs-submission-test",
            containerProvider={"id": "spark-jobs-test-eks", "type": "EKS", "info": {"eksInfo": {"namespace": "spark-jobs-test"}}},
        )["id"]

    def test_what_the_helper_builds_is_accepted_and_described_back_as_built(self):
        run_ids = set()
        for job, request in dag_folder.fixture_requests(self.virtual_cluster_id).items():
            for try_number in (1, 2):
                with self.subTest(job=job, try_number=try_number):
                    parameters = provider_stand_in.start_job_run_parameters(
                        **submission.operator_arguments(job, request, DATE),
                        client_request_token=submission.client_request_token(job, DATE, try_number),
                        tags=submission.run_tags(job, request, DATE),
                    )
                    self.assertEqual(service_model.violations("StartJobRun", parameters), [], "constraints of the service model")

                    started = self.client.start_job_run(**parameters)
                    run = self.client.describe_job_run(id=started["id"], virtualClusterId=self.virtual_cluster_id)["jobRun"]

                    for member in ("name", "virtualClusterId", "executionRoleArn", "releaseLabel", "jobDriver",
                                   "configurationOverrides", "tags", "clientToken"):
                        self.assertEqual(run.get(member), parameters[member], f"{member} of the run of {job}, try {try_number}")
                    self.assertEqual(run["name"], f"{job}-{DATE}")
                    self.assertEqual(run["tags"]["date"], DATE)
                    self.assertNotEqual(run["clientToken"], request["clientToken"], "the token is the try's, not the rendered request's")
                    run_ids.add(started["id"])
        self.assertEqual(len(run_ids), 4, "each try of each job is a run of its own")


if __name__ == "__main__":
    unittest.main()
