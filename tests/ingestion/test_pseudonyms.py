"""Keyed pseudonyms: HMAC-SHA256 of the normalised value, stable for one key, different for
another, never the raw value."""

from __future__ import annotations

import hashlib
import hmac

import duckdb

from ingestion.pseudonyms import DEMO_KEY, register


def test_sql_pseudonym_is_hmac_sha256_of_the_normalised_value(monkeypatch):
    monkeypatch.delenv("SLA_PSEUDONYM_KEY", raising=False)
    con = duckdb.connect()
    register(con)
    rows = con.execute(
        "select pseudonym(v) from (values ('1145678901'), (' 1145678901 '), ('@Juan_Perez'), "
        "('juan_perez'), (null), ('')) t(v)").fetchall()
    expected = hmac.new(DEMO_KEY.encode(), b"1145678901", hashlib.sha256).hexdigest()
    handle = hmac.new(DEMO_KEY.encode(), b"juan_perez", hashlib.sha256).hexdigest()
    assert [r[0] for r in rows] == [expected, expected, handle, handle, None, None]


def test_another_key_gives_other_pseudonyms(monkeypatch):
    con = duckdb.connect()
    register(con)
    monkeypatch.setenv("SLA_PSEUDONYM_KEY", "k1")
    first = con.execute("select pseudonym('1145678901')").fetchone()[0]
    monkeypatch.setenv("SLA_PSEUDONYM_KEY", "k2")
    second = con.execute("select pseudonym('1145678901')").fetchone()[0]
    assert first != second and "1145678901" not in first + second
