"""moto's server (moto_server) as its own process on a free loopback port, for one test class.

The tests talk to it with boto3 and fake credentials; nothing goes beyond 127.0.0.1 (no proxy,
no instance metadata lookups).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

REGION = "eu-west-1"
START_TIMEOUT_SECONDS = 60
START_ATTEMPTS = 3

OFFLINE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
REMOVED_VARIABLES = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
)


def require_boto3_and_moto() -> None:
    """Skips the calling test class (unittest.SkipTest) when boto3 or moto_server is missing."""
    try:
        import boto3  # noqa: F401
    except ImportError:
        raise unittest.SkipTest("boto3 is not installed: the submissions to moto's EMR on EKS API are not tested here; CI has it")
    if shutil.which("moto_server") is None:
        raise unittest.SkipTest("moto_server is not installed (pip install 'moto[server]'): the submissions are not tested here; CI has it")


class MotoServer:
    """Start with start(), stop with stop(); a class registers stop() as a class cleanup first."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="moto-server-"))
        self._process: subprocess.Popen | None = None
        self._port = 0

    @property
    def endpoint_url(self) -> str:
        if self._process is None:
            raise RuntimeError("moto_server is not running")
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> None:
        for attempt in range(1, START_ATTEMPTS + 1):
            if self._start_on(_free_loopback_port(), last_attempt=attempt == START_ATTEMPTS):
                return

    def stop(self) -> None:
        try:
            if self._process is not None:
                _terminate(self._process)
                self._process = None
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)

    def client(self, service: str = "emr-containers"):
        """A boto3 client of this server: fake credentials, no proxy, real botocore request validation."""
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", aws_session_token="testing", region_name=REGION
        )
        return session.client(service, endpoint_url=self.endpoint_url, config=Config(proxies={}, retries={"total_max_attempts": 1}))

    def _start_on(self, port: int, last_attempt: bool) -> bool:
        log = self._folder / f"moto-server-{port}.log"
        environment = {key: value for key, value in os.environ.items() if key not in REMOVED_VARIABLES}
        environment.update(OFFLINE_ENVIRONMENT)
        environment["AWS_CONFIG_FILE"] = str(self._folder / "no-config")
        environment["AWS_SHARED_CREDENTIALS_FILE"] = str(self._folder / "no-credentials")
        with log.open("wb") as output:
            process = subprocess.Popen(
                ["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=environment,
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while process.poll() is None and time.monotonic() < deadline:
                if _accepts(port):
                    self._process, self._port = process, port
                    return True
                time.sleep(0.1)
        finally:
            if self._process is not process:
                _terminate(process)
        if last_attempt:
            raise RuntimeError(f"Cannot start moto_server on 127.0.0.1:{port} ({START_ATTEMPTS} attempts); its output:\n{log.read_text()}")
        return False


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _terminate(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
