"""spark.interruptAll() stops a running query through the gateway."""

import threading
import time

from pyspark.errors import PySparkException
from pyspark.sql import Row


def test_interrupt_all_stops_a_long_query(fresh_session):
    spark = fresh_session()
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["rows"] = spark.range(0, 2_000_000_000).selectExpr("sum(id)").collect()
        except BaseException as e:  # noqa: BLE001 — the test inspects whatever was raised
            outcome["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    interrupted = []
    deadline = time.monotonic() + 20
    # Until the query is registered, interruptAll finds nothing to interrupt.
    while not interrupted and t.is_alive() and time.monotonic() < deadline:
        time.sleep(0.2)
        interrupted = spark.interruptAll()
    t.join(30)
    assert not t.is_alive(), "the query kept running after interruptAll()"
    assert "rows" not in outcome, f"the query finished before it could be interrupted: {outcome.get('rows')}"
    assert len(interrupted) >= 1 and all(isinstance(i, str) and i for i in interrupted)
    err = outcome["error"]
    assert isinstance(err, PySparkException), repr(err)
    assert "OPERATION_CANCELED" in str(err) or "cancel" in str(err).lower(), str(err)
    # The session still works.
    assert spark.sql("select 1 as a").collect() == [Row(a=1)]
