"""
Errors arrive as the right pyspark exception types, and the same query behaves as documented on each
runtime version (runtimes/*/runtime.json): 1.0 legacy, 2.0 ANSI, 2.1 ANSI + strict coercion.
"""

import pytest
from pyspark.errors import (
    AnalysisException,
    ArithmeticException,
    NumberFormatException,
    ParseException,
)
from pyspark.sql import Row


def test_parse_error(spark):
    with pytest.raises(ParseException) as e:
        spark.sql("selec 1")
    assert e.value.getErrorClass() == "PARSE_SYNTAX_ERROR"
    assert e.value.getSqlState() == "42601"
    assert "selec" in str(e.value)


def test_unresolved_column_with_suggestion(spark):
    with pytest.raises(AnalysisException) as e:
        spark.range(3).select("idd").collect()
    assert not isinstance(e.value, ParseException)
    assert e.value.getErrorClass() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert e.value.getSqlState() == "42703"
    params = e.value.getMessageParameters()
    assert params["objectName"] == "`idd`"
    assert "`id`" in params["proposal"]


def test_table_or_view_not_found(spark):
    with pytest.raises(AnalysisException) as e:
        spark.table("py_no_such_table").collect()
    assert e.value.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND"
    assert e.value.getSqlState() == "42P01"
    assert "py_no_such_table" in str(e.value)

    with pytest.raises(AnalysisException) as e2:
        spark.sql("select * from py_no_such_table").collect()
    assert e2.value.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND"


def test_sessions_route_to_their_pinned_runtime(spark, spark_ansi, spark_strict):
    assert spark.version == "3.5.3"
    assert spark_ansi.version == "4.0.1"
    assert spark_strict.version == "4.1.0"
    assert spark.conf.get("spark.sql.ansi.enabled") == "false"
    assert spark_ansi.conf.get("spark.sql.ansi.enabled") == "true"


def test_divide_by_zero_differs_by_runtime(spark, spark_ansi):
    assert spark.sql("select 1/0 as x").collect() == [Row(x=None)]
    with pytest.raises(ArithmeticException) as e:
        spark_ansi.sql("select 1/0 as x").collect()
    assert e.value.getErrorClass() == "DIVIDE_BY_ZERO"
    assert e.value.getSqlState() == "22012"
    assert "DIVIDE_BY_ZERO" in str(e.value)


def test_invalid_cast_differs_by_runtime(spark, spark_ansi):
    assert spark.sql("select cast('abc' as int) as x").collect() == [Row(x=None)]
    with pytest.raises(NumberFormatException) as e:
        spark_ansi.sql("select cast('abc' as int) as x").collect()
    assert e.value.getErrorClass() == "CAST_INVALID_INPUT"
    assert e.value.getSqlState() == "22018"
    assert "'abc'" in str(e.value)


def test_size_of_null_differs_by_runtime(spark, spark_ansi):
    q = "select size(cast(null as array<int>)) as s"
    assert spark.sql(q).collect() == [Row(s=-1)]
    assert spark_ansi.sql(q).collect() == [Row(s=None)]


def test_string_number_coercion_differs_by_runtime(spark, spark_ansi, spark_strict):
    legacy = spark.sql("select '10' + 1 as x").collect()
    assert legacy == [Row(x=11.0)] and isinstance(legacy[0].x, float)
    assert spark_ansi.sql("select '10' + 1 as x").collect()[0].x == 11
    with pytest.raises(AnalysisException) as e:
        spark_strict.sql("select '10' + 1 as x").collect()
    assert e.value.getErrorClass() == "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES"
    # An explicit cast is the documented fix on 2.1.
    assert spark_strict.sql("select cast('10' as int) + 1 as x").collect() == [Row(x=11)]


def test_errors_leave_the_session_usable(spark_ansi):
    with pytest.raises(ArithmeticException):
        spark_ansi.sql("select 1/0").collect()
    assert spark_ansi.sql("select 6 * 7 as x").collect() == [Row(x=42)]
