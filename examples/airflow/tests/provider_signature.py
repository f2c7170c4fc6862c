"""What the Amazon provider's EmrContainerOperator accepts and does, as data.

Airflow and its providers cannot be installed on the machines these tests run on, so the
signature was read from the provider's source and written down here by hand (keep it in step
with the DAG's docstring when moving to another provider release):

  apache-airflow-providers-amazon, 9.x line: apache/airflow at commit
  9c62bfae76b8aa52642a4f935d1a204cc5433faf,
  providers/amazon/src/airflow/providers/amazon/aws/operators/emr.py (class EmrContainerOperator),
  providers/amazon/src/airflow/providers/amazon/aws/hooks/emr.py (EmrContainerHook.submit_job),
  providers/amazon/src/airflow/providers/amazon/aws/operators/base_aws.py (AwsBaseOperator), and
  the Task SDK's task-sdk/src/airflow/sdk/bases/operator.py (BaseOperator).
  The snapshot that was read does not name the release of that commit.

Releases differ: an older generated API page of the provider lists max_tries and no
job_retry_max_attempts.
"""
from __future__ import annotations

PROVIDER_PACKAGE = "apache-airflow-providers-amazon"
PROVIDER_RELEASE_LINE = "9.x"
SOURCE_REPOSITORY = "apache/airflow"
SOURCE_COMMIT = "9c62bfae76b8aa52642a4f935d1a204cc5433faf"
SOURCE_PATH = "providers/amazon/src/airflow/providers/amazon/aws/operators/emr.py"

# EmrContainerOperator.__init__: keyword-only parameters of its own (the first five are required).
EMR_CONTAINER_OPERATOR_REQUIRED = ("name", "virtual_cluster_id", "execution_role_arn", "release_label", "job_driver")
EMR_CONTAINER_OPERATOR_OPTIONAL = {
    "configuration_overrides": None,
    "client_request_token": None,
    "wait_for_completion": True,
    "poll_interval": 30,
    "tags": None,
    "max_polling_attempts": None,
    "job_retry_max_attempts": None,
    "deferrable": False,
}
EMR_CONTAINER_OPERATOR_PARAMETERS = frozenset(EMR_CONTAINER_OPERATOR_REQUIRED) | frozenset(EMR_CONTAINER_OPERATOR_OPTIONAL)

# AwsBaseOperator.__init__, which EmrContainerOperator passes its other keyword arguments to.
AWS_BASE_OPERATOR_PARAMETERS = frozenset({"aws_conn_id", "region_name", "verify", "botocore_config", "region"})

# BaseOperator.__init__ of the Task SDK (task-sdk/src/airflow/sdk/bases/operator.py in the same
# repository): its keyword-only parameters; it raises TypeError for any other keyword argument.
BASE_OPERATOR_PARAMETERS = frozenset({
    "task_id", "owner", "email", "email_on_retry", "email_on_failure", "retries", "retry_delay",
    "retry_exponential_backoff", "max_retry_delay", "retry_policy", "start_date", "end_date",
    "depends_on_past", "depends_on_previous_tasks", "ignore_first_depends_on_past",
    "wait_for_past_depends_before_skipping", "wait_for_downstream", "dag", "params", "default_args",
    "priority_weight", "weight_rule", "queue", "pool", "pool_slots", "sla", "execution_timeout",
    "on_execute_callback", "on_failure_callback", "on_success_callback", "on_retry_callback",
    "on_skipped_callback", "pre_execute", "post_execute", "trigger_rule", "resources", "run_as_user",
    "map_index_template", "max_active_tis_per_dag", "max_active_tis_per_dagrun", "executor",
    "executor_config", "do_xcom_push", "multiple_outputs", "inlets", "outlets", "task_group", "doc",
    "doc_md", "doc_json", "doc_yaml", "doc_rst", "task_display_name", "logger_name",
    "allow_nested_operators", "render_template_as_native_obj",
})

# The fields Airflow renders as templates before execute: {{ ds }} is only filled in these.
TEMPLATE_FIELDS = ("name", "virtual_cluster_id", "execution_role_arn", "release_label", "job_driver", "configuration_overrides")

# What EmrContainerOperator.execute reads from the operator and hands to EmrContainerHook.submit_job,
# at execute time (so a subclass may set them in its own execute before calling the provider's).
SUBMITTED_ATTRIBUTES = frozenset({
    "name", "execution_role_arn", "release_label", "job_driver", "configuration_overrides",
    "client_request_token", "tags", "job_retry_max_attempts",
})
