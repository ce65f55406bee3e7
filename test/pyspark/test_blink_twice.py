"""
The blink-twice story through the real pyspark client: a job that worked on 1.0 breaks under 2.0's
ANSI semantics; the client still receives 1.0's rows, with no sign of the failure; the regression and
the pin are visible through the operator API; the next run goes straight to 1.0; a job that is fine on
2.0 stays there.
"""

import json
import time
import urllib.request

import pytest

from conftest import new_session, start_platform

BREAKS_ON_ANSI = "SELECT CAST(s AS INT) AS n, k FROM VALUES ('12', 1), ('n/a', 2) AS t(s, k) ORDER BY k"


@pytest.fixture(scope="module")
def own_platform():
    p = start_platform(["--default-runtime", "1.0"])
    yield p
    p.stop()


def api(p, method, path, body=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{p.http_port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json"} if body is not None else {},
    )
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


def rows(df):
    return [tuple(r) for r in df.collect()]


def test_blink_twice_with_pyspark(own_platform):
    p = own_platform
    etl = new_session(p.url(workload="etl"))
    assert rows(etl.sql(BREAKS_ON_ANSI)) == [(12, 1), (None, 2)]
    etl.stop()

    api(p, "POST", "/api/runtimes/default", {"version": "2.0"})

    bi = new_session(p.url(workload="bi"))
    assert rows(bi.sql("SELECT 40 + 2 AS answer")) == [(42,)]

    # On 2.0 the cast raises CAST_INVALID_INPUT; the client sees 1.0's answer instead.
    etl = new_session(p.url(workload="etl"))
    assert rows(etl.sql(BREAKS_ON_ANSI)) == [(12, 1), (None, 2)]

    regs = api(p, "GET", "/api/regressions")["items"]
    mine = [r for r in regs if "etl" in r["workloads"]]
    assert len(mine) == 1
    assert mine[0]["failedVersion"] == "2.0"
    assert mine[0]["goodVersion"] == "1.0"
    assert mine[0]["errorClass"] == "CAST_INVALID_INPUT"
    assert mine[0]["sqlText"] == BREAKS_ON_ANSI

    pins = {pin["workload"]: pin for pin in api(p, "GET", "/api/pins")}
    assert pins["etl"]["version"] == "1.0"
    assert pins["etl"]["reason"] == "regression"
    assert "bi" not in pins

    # The next run goes straight to 1.0: no new failed attempt is recorded.
    def errors_of(workload):
        return [r for r in api(p, "GET", f"/api/runs?workload={workload}&limit=1000") if r["outcome"] == "error"]

    deadline = time.time() + 15
    while time.time() < deadline and len(errors_of("etl")) < 1:
        time.sleep(0.1)
    assert len(errors_of("etl")) == 1
    assert rows(etl.sql(BREAKS_ON_ANSI)) == [(12, 1), (None, 2)]
    time.sleep(1.0)
    assert len(errors_of("etl")) == 1

    bi_runs = api(p, "GET", "/api/runs?workload=bi&limit=1000")
    assert bi_runs and all(r["runtimeVersion"] == "2.0" for r in bi_runs)

    etl.stop()
    bi.stop()
