"""
TPC-H Q1, Q3, Q5, Q6 and Q10 written as DataFrame programs in the unmodified pyspark client, run
through the platform, and compared with DuckDB's answers to the same queries (test/tpch/queries)
over the same Parquet files: column names, row order, and values (numbers within 1e-9 relative).

Scale factor 0.01 in `npm test`; `bash scripts/tpch/dataframes.sh 0.1` runs them at 0.1.
"""

import math
import os
import subprocess
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from conftest import REPO, TPCH_DATA

SF = os.environ.get("PERENNIAL_TPCH_SF", "0.01")
DATA = TPCH_DATA / f"sf{SF}"
TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


@pytest.fixture(scope="module")
def tables(spark: SparkSession):
    if not all((DATA / f"{t}.parquet").exists() for t in TABLES):
        subprocess.run(["bash", str(REPO / "scripts" / "tpch" / "generate.sh"), SF], check=True)
    return {t: spark.read.parquet(str(DATA / f"{t}.parquet")) for t in TABLES}


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    for t in TABLES:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{DATA / (t + '.parquet')}')")
    yield con
    con.close()


def expected(duck, q: str):
    sql = (REPO / "test" / "tpch" / "queries" / f"{q}.sql").read_text()
    cur = duck.execute(sql)
    return [d[0] for d in cur.description], cur.fetchall()


def same(a, b) -> bool:
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)) and not isinstance(a, bool):
        # Spark rounds a decimal average to its result scale (avg of decimal(15,2) is decimal(19,6));
        # DuckDB answers a double: they agree to half a unit in the last decimal place.
        half_ulp = max((Decimal(1).scaleb(x.as_tuple().exponent) / 2 for x in (a, b) if isinstance(x, Decimal)), default=Decimal(0))
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=float(half_ulp) + 1e-12)
    return a == b


def check(df: DataFrame, duck, q: str) -> None:
    names, want = expected(duck, q)
    got = [tuple(r) for r in df.collect()]
    assert df.columns == names
    assert len(got) == len(want), f"{q}: {len(got)} rows, DuckDB has {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert all(same(x, y) for x, y in zip(g, w)), f"{q} row {i}: {g} != DuckDB {w}"


def disc_price():
    return F.col("l_extendedprice") * (1 - F.col("l_discount"))


def customer_orders_lines(t):
    return t["customer"].join(t["orders"], F.col("c_custkey") == F.col("o_custkey")).join(t["lineitem"], F.col("l_orderkey") == F.col("o_orderkey"))


def test_q1_pricing_summary(tables, duck):
    li = tables["lineitem"]
    df = (
        li.filter(F.col("l_shipdate") <= F.date_sub(F.lit(date(1998, 12, 1)), 90))
        .groupBy("l_returnflag", "l_linestatus")
        .agg(
            F.sum("l_quantity").alias("sum_qty"),
            F.sum("l_extendedprice").alias("sum_base_price"),
            F.sum(disc_price()).alias("sum_disc_price"),
            F.sum(disc_price() * (1 + F.col("l_tax"))).alias("sum_charge"),
            F.avg("l_quantity").alias("avg_qty"),
            F.avg("l_extendedprice").alias("avg_price"),
            F.avg("l_discount").alias("avg_disc"),
            F.count("*").alias("count_order"),
        )
        .orderBy("l_returnflag", "l_linestatus")
    )
    check(df, duck, "q01")


def test_q3_shipping_priority(tables, duck):
    day = F.lit(date(1995, 3, 15))
    c = tables["customer"].filter(F.col("c_mktsegment") == "BUILDING")
    o = tables["orders"].filter(F.col("o_orderdate") < day)
    li = tables["lineitem"].filter(F.col("l_shipdate") > day)
    df = (
        c.join(o, F.col("c_custkey") == F.col("o_custkey"))
        .join(li, F.col("l_orderkey") == F.col("o_orderkey"))
        .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
        .agg(F.sum(disc_price()).alias("revenue"))
        .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
        .orderBy(F.col("revenue").desc(), F.col("o_orderdate"))
        .limit(10)
    )
    check(df, duck, "q03")


def test_q5_local_supplier_volume(tables, duck):
    t = tables
    df = (
        customer_orders_lines(t)
        .join(t["supplier"], (F.col("l_suppkey") == F.col("s_suppkey")) & (F.col("c_nationkey") == F.col("s_nationkey")))
        .join(t["nation"], F.col("s_nationkey") == F.col("n_nationkey"))
        .join(t["region"], F.col("n_regionkey") == F.col("r_regionkey"))
        .filter((F.col("r_name") == "ASIA") & (F.col("o_orderdate") >= F.lit(date(1994, 1, 1))) & (F.col("o_orderdate") < F.lit(date(1995, 1, 1))))
        .groupBy("n_name")
        .agg(F.sum(disc_price()).alias("revenue"))
        .orderBy(F.col("revenue").desc())
    )
    check(df, duck, "q05")


def test_q6_forecasting_revenue_change(tables, duck):
    li = tables["lineitem"]
    df = li.filter(
        (F.col("l_shipdate") >= F.lit(date(1994, 1, 1)))
        & (F.col("l_shipdate") < F.add_months(F.lit(date(1994, 1, 1)), 12))
        & F.col("l_discount").between(F.lit(Decimal("0.05")), F.lit(Decimal("0.07")))
        & (F.col("l_quantity") < 24)
    ).agg(F.sum(F.col("l_extendedprice") * F.col("l_discount")).alias("revenue"))
    check(df, duck, "q06")


def test_q10_returned_items(tables, duck):
    t = tables
    df = (
        customer_orders_lines(t)
        .join(t["nation"], F.col("c_nationkey") == F.col("n_nationkey"))
        .where((F.col("o_orderdate") >= F.lit(date(1993, 10, 1))) & (F.col("o_orderdate") < F.lit(date(1994, 1, 1))) & (F.col("l_returnflag") == "R"))
        .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
        .agg(F.sum(disc_price()).alias("revenue"))
        .select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment")
        .orderBy(F.col("revenue").desc())
        .limit(20)
    )
    check(df, duck, "q10")
