"""Erlang C against an exact calculation (rational arithmetic with factorials, feasible for
small N) and published table values, and stable at 500 agents."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from staffing import probability_of_waiting, required_agents, service_level


def exact_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """The textbook formula, in exact rationals."""
    top = traffic**agents / math.factorial(agents) * Fraction(agents, agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


@pytest.mark.parametrize("agents, traffic", [(2, Fraction(1)), (11, Fraction(10)), (14, Fraction(10)),
                                             (30, Fraction(51, 2)), (60, Fraction(48))])
def test_probability_of_waiting_equals_the_exact_formula(agents, traffic):
    assert probability_of_waiting(agents, float(traffic)) == pytest.approx(float(exact_erlang_c(agents, traffic)), rel=1e-12)


def test_published_table_values():
    # Erlang C tables, 10 Erlangs: P(wait) 0.6821 (11 agents), 0.4494 (12), 0.2853 (13), 0.1741 (14)
    for agents, published in [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)]:
        assert probability_of_waiting(agents, 10.0) == pytest.approx(published, abs=5e-5)


def test_required_agents_is_the_first_that_meets_the_target():
    # 100 calls of 180 s in 30 min = 10 Erlangs; 80 % within 20 s
    needed = required_agents(100, 180, 1800, 0.80, 20)
    assert service_level(needed, 10.0, 180, 20) >= 0.80 > service_level(needed - 1, 10.0, 180, 20)
    # by hand: 13 agents give 1 - 0.2853 * exp(-3 * 20 / 180) = 79.6 %, 14 give 88.8 %
    assert needed == 14
    assert service_level(14, 10.0, 180, 20) == pytest.approx(0.888, abs=5e-4)


def test_a_target_on_waiting_alone():
    # answer_seconds = 0: at least 80 % must not wait at all, i.e. P(wait) <= 0.20
    needed = required_agents(100, 180, 1800, 0.80, 0)
    assert probability_of_waiting(needed, 10.0) <= 0.20 < probability_of_waiting(needed - 1, 10.0)
    assert needed == 14


def test_max_occupancy_adds_agents():
    assert required_agents(1000, 180, 1800, 0.5, 60) < required_agents(1000, 180, 1800, 0.5, 60, max_occupancy=0.85)
    assert 100 / required_agents(1000, 180, 1800, 0.5, 60, max_occupancy=0.85) <= 0.85


def test_stable_at_hundreds_of_agents():
    # 480 Erlangs: the factorial form overflows; the recursion gives a sane, monotone answer
    needed = required_agents(4800, 180, 1800, 0.80, 20)
    assert 480 < needed < 520
    levels = [service_level(n, 480.0, 180, 20) for n in range(needed - 3, needed + 3)]
    assert levels == sorted(levels) and all(0 <= x <= 1 for x in levels)


def test_no_calls_no_agents_and_bad_input_is_refused():
    assert required_agents(0, 180, 1800, 0.8, 20) == 0
    with pytest.raises(ValueError):
        required_agents(10, 180, 1800, 80, 20)


def test_the_sql_function_is_the_python_function():
    import duckdb

    from staffing.dbt_plugin import register

    con = duckdb.connect()
    register(con)
    rows = con.execute(
        "select required_agents(100, 180, 1800, 0.8, 20), required_agents(4800, 180, 1800, 0.8, 20), "
        "required_agents(null, 180, 1800, 0.8, 20), required_agents(10, 180, 1800, null, 20)").fetchone()
    assert rows == (required_agents(100, 180, 1800, 0.8, 20), required_agents(4800, 180, 1800, 0.8, 20), None, None)
