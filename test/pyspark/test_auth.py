"""Bearer-token auth (PERENNIAL_TOKENS): tokens name tenants; tenants never see each other's sessions."""

import uuid

import pytest
from pyspark.errors import AnalysisException
from pyspark.sql import Row

from conftest import TOKENS, new_session

ACME, GLOBEX = list(TOKENS)


def _expect_unauthenticated(url: str) -> None:
    s = new_session(url)
    try:
        with pytest.raises(Exception) as e:
            s.range(1).collect()
        assert "UNAUTHENTICATED" in str(e.value), str(e.value)
    finally:
        try:
            s.stop()
        except Exception:
            pass


def test_missing_token_is_rejected(auth_platform):
    _expect_unauthenticated(auth_platform.url())


def test_wrong_token_is_rejected(auth_platform):
    _expect_unauthenticated(auth_platform.url(token="not-a-valid-token"))


def test_right_token_works(auth_platform):
    s = new_session(auth_platform.url(token=ACME))
    try:
        assert s.sql("select 1 as a").collect() == [Row(a=1)]
    finally:
        s.stop()


def test_tenants_sharing_a_session_id_are_isolated(auth_platform):
    sid = str(uuid.uuid4())
    acme = new_session(auth_platform.url(token=ACME, session_id=sid))
    globex = new_session(auth_platform.url(token=GLOBEX, session_id=sid))
    try:
        assert acme.session_id == globex.session_id == sid
        acme.sql("select 'acme' as owner").createOrReplaceTempView("tenant_view")
        with pytest.raises(AnalysisException) as e:
            globex.table("tenant_view").collect()
        assert e.value.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND"

        globex.sql("select 'globex' as owner").createOrReplaceTempView("tenant_view")
        assert acme.table("tenant_view").collect() == [Row(owner="acme")]
        assert globex.table("tenant_view").collect() == [Row(owner="globex")]
    finally:
        for s in (acme, globex):
            try:
                s.stop()
            except Exception:
                pass
