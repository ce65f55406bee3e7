"""
Fixtures for the pyspark-client compatibility suite: real Perennial platforms (started through
start-platform.mjs from the compiled code, so `npm run build` first) and unmodified pyspark sessions.

- `platform`: auth off; three workloads pinned to runtimes 1.0 / 2.0 / 2.1.
- `auth_platform`: bearer tokens for two tenants (started only when an auth test runs).
"""

import json
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import List

import pytest
from pyspark.sql import SparkSession

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "start-platform.mjs"
START_TIMEOUT_S = 180

_SUFFIX = uuid.uuid4().hex[:8]
# Unique names, so a shared DATABASE_URL cannot leak pins between runs.
WORKLOAD_LEGACY = f"py-legacy-{_SUFFIX}"  # pinned to 1.0
WORKLOAD_ANSI = f"py-ansi-{_SUFFIX}"  # pinned to 2.0
WORKLOAD_STRICT = f"py-strict-{_SUFFIX}"  # pinned to 2.1

TOKENS = {"tok-acme-1234": "acme", "tok-globex-5678": "globex"}


@dataclass
class PlatformProcess:
    proc: subprocess.Popen
    port: int
    http_port: int
    log_path: str
    _log_file: object = field(repr=False, default=None)

    def url(self, **params: str) -> str:
        return f"sc://localhost:{self.port}/" + "".join(f";{k}={v}" for k, v in params.items())

    def log_tail(self, n: int = 60) -> str:
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # the launcher stops the platform when stdin closes
            except OSError:
                pass
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        if self._log_file is not None:
            self._log_file.close()
        shutil.rmtree(os.path.dirname(self.log_path), ignore_errors=True)


def start_platform(args: List[str]) -> PlatformProcess:
    if shutil.which("node") is None:
        raise RuntimeError("node is not on PATH")
    log_dir = tempfile.mkdtemp(prefix="perennial-pyspark-log-")
    log_path = os.path.join(log_dir, "platform.log")
    log_file = open(log_path, "wb")
    proc = subprocess.Popen(
        ["node", str(LAUNCHER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log_file,
        cwd=str(HERE.parent.parent),
    )
    result: dict = {}

    def read_ready() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if isinstance(msg, dict) and msg.get("perennialTestPlatform"):
                result.update(msg)
                return

    reader = threading.Thread(target=read_ready, daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_S)
    handle = PlatformProcess(proc, int(result.get("port", 0)), int(result.get("httpPort", 0)), log_path, log_file)
    if not result:
        tail = handle.log_tail()
        handle.stop()
        raise RuntimeError(f"platform did not start (exit code {proc.poll()}); log tail:\n{tail}")
    return handle


REPO = HERE.parent.parent
# TPC-H Parquet files (scripts/tpch/generate.sh) that the DataFrame programs read.
TPCH_DATA = REPO / "data" / "tpch"


@pytest.fixture(scope="session")
def platform():
    TPCH_DATA.mkdir(parents=True, exist_ok=True)
    p = start_platform(
        [
            "--allowed-root",
            str(TPCH_DATA),
            "--pin",
            f"{WORKLOAD_LEGACY}=1.0",
            "--pin",
            f"{WORKLOAD_ANSI}=2.0",
            "--pin",
            f"{WORKLOAD_STRICT}=2.1",
        ]
    )
    yield p
    p.stop()


@pytest.fixture(scope="session")
def auth_platform():
    p = start_platform(["--tokens", ",".join(f"{t}={tenant}" for t, tenant in TOKENS.items())])
    yield p
    p.stop()


def new_session(url: str) -> SparkSession:
    """A brand-new session (getOrCreate would hand back the active one)."""
    return SparkSession.builder.remote(url).create()


@pytest.fixture(scope="session")
def spark(platform):
    """The default session for most tests: runtime 1.0 (legacy, non-ANSI semantics)."""
    s = new_session(platform.url(workload=WORKLOAD_LEGACY))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def spark_ansi(platform):
    """A session routed to runtime 2.0 (ANSI) through a workload pin."""
    s = new_session(platform.url(workload=WORKLOAD_ANSI))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def spark_strict(platform):
    """A session routed to runtime 2.1 (ANSI + strict string/number coercion)."""
    s = new_session(platform.url(workload=WORKLOAD_STRICT))
    yield s
    s.stop()


@pytest.fixture
def fresh_session(platform):
    sessions: List[SparkSession] = []

    def make(**params: str) -> SparkSession:
        params.setdefault("workload", WORKLOAD_LEGACY)
        s = new_session(platform.url(**params))
        sessions.append(s)
        return s

    yield make
    for s in sessions:
        try:
            s.stop()
        except Exception:
            pass
