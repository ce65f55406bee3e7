"""The everyday pyspark surface against the platform (default session: runtime 1.0)."""

import datetime

import pandas as pd
import pytest
from pyspark.errors import AnalysisException, SparkNoSuchElementException
from pyspark.sql import Row
from pyspark.sql import functions as F
from pyspark.sql.types import (
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
)


def test_session_starts(spark):
    assert spark.session_id  # a UUID chosen by the client
    assert spark.range(1).collect() == [Row(id=0)]


def test_sql_select_one(spark):
    assert spark.sql("select 1 as a").collect() == [Row(a=1)]


def test_version_is_the_runtimes_spark_version(spark):
    assert spark.version == "3.5.3"  # runtimes/1.0/runtime.json


def test_range_filter_select_groupby_agg_orderby(spark):
    df = (
        spark.range(0, 20)
        .filter(F.col("id") % 2 == 0)
        .select((F.col("id") * 10).alias("x"), (F.col("id") % 3).alias("g"))
    )
    rows = df.groupBy("g").agg(F.count("*").alias("n"), F.sum("x").alias("s")).orderBy("g").collect()
    assert rows == [Row(g=0, n=4, s=360), Row(g=1, n=3, s=300), Row(g=2, n=3, s=240)]


def test_orderby_desc_limit(spark):
    assert spark.range(10).orderBy(F.col("id").desc()).limit(3).collect() == [Row(id=9), Row(id=8), Row(id=7)]


def test_with_column_distinct_union(spark):
    a = spark.range(5).withColumn("m", F.col("id") % 2).select("m").distinct()
    b = spark.createDataFrame([(7,)], "m long")
    assert sorted(r.m for r in a.union(b).collect()) == [0, 1, 7]


def test_joins(spark):
    emp = spark.createDataFrame([(1, "ann", 10), (2, "bob", 20), (3, "cy", None)], "id int, name string, dept int")
    dept = spark.createDataFrame([(10, "eng"), (20, "ops"), (30, "hr")], "dept int, dname string")

    inner = emp.join(dept, "dept").select("name", "dname").orderBy("name").collect()
    assert inner == [Row(name="ann", dname="eng"), Row(name="bob", dname="ops")]

    left = emp.join(dept, "dept", "left").select("id", "dname").orderBy("id").collect()
    assert left == [Row(id=1, dname="eng"), Row(id=2, dname="ops"), Row(id=3, dname=None)]

    # Column references qualified by their DataFrame (plan ids) on an explicit condition.
    cond = emp.join(dept, emp.dept == dept.dept, "inner").select(emp.name, dept.dname).orderBy(emp.name).collect()
    assert cond == [Row(name="ann", dname="eng"), Row(name="bob", dname="ops")]

    anti = dept.join(emp, "dept", "left_anti").select("dname").collect()
    assert anti == [Row(dname="hr")]


def test_create_dataframe_from_small_pandas(spark):
    pdf = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", None], "score": [1.5, 2.5, 3.5]})
    df = spark.createDataFrame(pdf)
    assert df.columns == ["id", "name", "score"]
    assert df.orderBy("id").collect() == [
        Row(id=1, name="a", score=1.5),
        Row(id=2, name="b", score=2.5),
        Row(id=3, name=None, score=3.5),
    ]


def test_create_dataframe_from_large_pandas(spark):
    n = 200_000
    pdf = pd.DataFrame({"x": range(n), "s": [f"row-{i:08d}" for i in range(n)]})
    df = spark.createDataFrame(pdf)
    assert df.count() == n
    agg = df.agg(F.sum("x").alias("total"), F.max("s").alias("last")).collect()
    assert agg == [Row(total=n * (n - 1) // 2, last=f"row-{n - 1:08d}")]
    assert df.filter(F.col("x") % 1000 == 0).count() == n // 1000


def test_show_matches_spark_format(spark, capsys):
    spark.range(3).show()
    assert capsys.readouterr().out == "+---+\n| id|\n+---+\n|  0|\n|  1|\n|  2|\n+---+\n\n"

    spark.range(5).show(2)
    assert capsys.readouterr().out == "+---+\n| id|\n+---+\n|  0|\n|  1|\n+---+\nonly showing top 2 rows\n\n"

    df = spark.createDataFrame(
        [(1, "apple"), (2, None), (3, "a long string value exceeding twenty")], "id int, name string"
    )
    df.show()
    assert capsys.readouterr().out == (
        "+---+--------------------+\n"
        "| id|                name|\n"
        "+---+--------------------+\n"
        "|  1|               apple|\n"
        "|  2|                NULL|\n"
        "|  3|a long string val...|\n"
        "+---+--------------------+\n"
        "\n"
    )

    df.show(truncate=False)
    assert capsys.readouterr().out == (
        "+---+------------------------------------+\n"
        "|id |name                                |\n"
        "+---+------------------------------------+\n"
        "|1  |apple                               |\n"
        "|2  |NULL                                |\n"
        "|3  |a long string value exceeding twenty|\n"
        "+---+------------------------------------+\n"
        "\n"
    )

    spark.sql(
        "select 1.5D as d, true as b, date'2024-01-02' as dt, cast(2.5 as decimal(5,2)) as dec"
    ).show()
    assert capsys.readouterr().out == (
        "+---+----+----------+----+\n"
        "|  d|   b|        dt| dec|\n"
        "+---+----+----------+----+\n"
        "|1.5|true|2024-01-02|2.50|\n"
        "+---+----+----------+----+\n"
        "\n"
    )


def test_to_pandas_dtypes_and_values(spark):
    pdf = spark.sql(
        "select cast(1 as int) as i, cast(2 as bigint) as l, 1.5D as d, 'x' as s, true as b, "
        "date'2024-01-02' as dt, timestamp'2024-01-02 03:04:05' as ts"
    ).toPandas()
    assert list(pdf.columns) == ["i", "l", "d", "s", "b", "dt", "ts"]
    assert str(pdf.dtypes["i"]) == "int32"
    assert str(pdf.dtypes["l"]) == "int64"
    assert str(pdf.dtypes["d"]) == "float64"
    # pandas 3 gives strings their own dtype; before that they are Python objects.
    assert str(pdf.dtypes["s"]) == ("str" if int(pd.__version__.split(".")[0]) >= 3 else "object")
    assert str(pdf.dtypes["b"]) == "bool"
    assert str(pdf.dtypes["dt"]) == "object"
    assert str(pdf.dtypes["ts"]).startswith("datetime64")
    row = pdf.iloc[0]
    assert (row["i"], row["l"], row["d"], row["s"], bool(row["b"])) == (1, 2, 1.5, "x", True)
    assert row["dt"] == datetime.date(2024, 1, 2)
    assert row["ts"] == pd.Timestamp("2024-01-02 03:04:05")

    # An int column with a NULL becomes float64 with NaN, as in Spark.
    nulls = spark.createDataFrame([(1,), (None,)], "x int").orderBy(F.col("x").asc_nulls_last()).toPandas()
    assert str(nulls.dtypes["x"]) == "float64"
    assert nulls["x"].iloc[0] == 1.0 and pd.isna(nulls["x"].iloc[1])


def test_schema_columns_and_print_schema(spark, capsys):
    df = spark.sql("select 1 as a, 'x' as b, cast(null as double) as c")
    assert df.columns == ["a", "b", "c"]
    assert df.schema == StructType(
        [
            StructField("a", IntegerType(), False),
            StructField("b", StringType(), False),
            StructField("c", DoubleType(), True),
        ]
    )
    assert spark.range(3).schema == StructType([StructField("id", LongType(), False)])
    df.printSchema()
    assert capsys.readouterr().out == (
        "root\n"
        " |-- a: integer (nullable = false)\n"
        " |-- b: string (nullable = false)\n"
        " |-- c: double (nullable = true)\n"
        "\n"
    )


def test_temp_views(spark):
    spark.createDataFrame([(1, "a"), (2, "b"), (3, "a")], "id int, k string").createOrReplaceTempView("py_t")
    assert spark.table("py_t").count() == 3
    assert spark.sql("select k, count(*) as c from py_t group by k order by k").collect() == [
        Row(k="a", c=2),
        Row(k="b", c=1),
    ]
    # Replacing the view changes what both entry points read.
    spark.range(10, 12).createOrReplaceTempView("py_t")
    assert spark.table("py_t").collect() == [Row(id=10), Row(id=11)]
    assert spark.sql("select sum(id) as s from py_t").collect() == [Row(s=21)]
    # createTempView refuses to replace.
    with pytest.raises(AnalysisException) as e:
        spark.range(1).createTempView("py_t")
    assert e.value.getErrorClass() == "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS"


def test_temp_views_are_per_session(spark, fresh_session):
    spark.range(2).createOrReplaceTempView("py_private_view")
    other = fresh_session()
    with pytest.raises(AnalysisException) as e:
        other.table("py_private_view").collect()
    assert e.value.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND"


def test_conf_set_get_and_unknown_key(spark):
    spark.conf.set("spark.sql.shuffle.partitions", "7")
    assert spark.conf.get("spark.sql.shuffle.partitions") == "7"
    spark.conf.set("perennial.test.custom", "hello")
    assert spark.conf.get("perennial.test.custom") == "hello"
    spark.conf.unset("perennial.test.custom")
    assert spark.conf.get("perennial.test.custom", "fallback") == "fallback"
    assert spark.conf.get("spark.sql.does.not.exist", "dflt") == "dflt"
    with pytest.raises(SparkNoSuchElementException) as e:
        spark.conf.get("spark.sql.does.not.exist")
    assert e.value.getErrorClass() == "SQL_CONF_NOT_FOUND"
    assert "spark.sql.does.not.exist" in str(e.value)


def test_decimal_literal_keeps_its_scale(spark):
    # pyspark declares F.lit(Decimal(...)) as decimal(10,0); the value's own scale must win, as on Spark.
    import decimal

    df = spark.range(1).select(F.lit(decimal.Decimal("0.05")).alias("d"), F.lit(decimal.Decimal("-12.345")).alias("e"))
    assert [f.dataType.simpleString() for f in df.schema.fields] == ["decimal(10,2)", "decimal(10,3)"]
    assert df.collect() == [Row(d=decimal.Decimal("0.05"), e=decimal.Decimal("-12.345"))]
