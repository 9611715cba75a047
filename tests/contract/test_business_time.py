"""Business time around 2026's Argentine holidays, bridge days and weekends, end to end.

A few simulated days around the March bridge day and holiday (Sat 21 to Wed 25: the
simulator's on-call duty answers tickets and posts inside the closed stretch), plus
hand-written CRM cases and tweets around the other holidays (2-3 April, 25 May, 9-10 July,
7-8 December), are loaded and built with the real loader and dbt. bo_social's weekday
window is moved to 08:00-24:00 so that a window closes at midnight. Every business-time
duration, every backlog age and the social averages are compared with a calculation
written here, day by day, from the contract's hours and the `holidays` package: not the
dbt macro, the staging calendar nor the simulator's calendar.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import duckdb
import holidays
import pytest

from contract import load_config
from ingestion import settings
from simulator import generate
from tests.conftest import build_warehouse

CLOSED = holidays.country_holidays("AR", years=[2026])
SOCIAL_HOURS = 'business_hours: {weekdays: "08:00-22:00", saturday: "09:00-18:00", sunday: "09:00-18:00"}'
MIDNIGHT_SOCIAL_HOURS = 'business_hours: {weekdays: "08:00-24:00", saturday: "09:00-18:00", sunday: "09:00-18:00"}'

# (case id, line, created, first response, resolved, hand-computed first response and
# resolution business seconds). bo_atc Mon-Fri 09-18; bo_helpdesk Mon-Fri 08-20, Sat 09-13;
# bo_social (this test's contract) Mon-Fri 08-24, Sat-Sun 09-18.
EDGE_CASES = [
    # Thu 2 Apr (Malvinas and Holy Thursday), Fri 3 (Good Friday) and the weekend are closed
    ("EDGE-01", "bo_atc", "2026-04-02 10:00:00", "2026-04-05 12:00:00", "2026-04-06 10:00:00", 0, 3600),
    ("EDGE-02", "bo_atc", "2026-04-01 17:30:00", "2026-04-06 09:10:00", "", 1800 + 600, None),
    # Sat 23 May, Sun, Mon 25 May (holiday); resolved exactly at Tuesday's opening
    ("EDGE-03", "bo_atc", "2026-05-23 09:00:00", "2026-05-25 11:00:00", "2026-05-26 09:00:00", 0, 0),
    # Thu 9 July (holiday), Fri 10 (bridge day); Saturday opens 09-13
    ("EDGE-04", "bo_helpdesk", "2026-07-09 08:30:00", "2026-07-10 08:45:00", "2026-07-11 09:30:00", 0, 1800),
    ("EDGE-05", "bo_helpdesk", "2026-07-11 12:59:59", "2026-07-13 08:00:01", "", 2, None),
    # Mon 7 Dec (bridge day), Tue 8 Dec (holiday)
    ("EDGE-06", "bo_social", "2026-12-07 23:00:00", "2026-12-08 08:00:00", "2026-12-09 08:30:00", 0, 1800),
    # across midnight: Wednesday's window ends at 24:00, Thursday's opens at 08:00
    ("EDGE-07", "bo_social", "2026-12-09 23:30:00", "2026-12-10 00:15:00", "2026-12-10 08:15:00", 1800, 2700),
    ("EDGE-08", "bo_atc", "2026-12-04 18:00:00", "2026-12-09 09:00:00", "", 0, None),
    ("EDGE-09", "bo_atc", "2026-12-05 10:00:00", "", "", None, None),
    # created, answered and resolved on a Sunday
    ("EDGE-10", "bo_helpdesk", "2026-12-06 10:00:00", "2026-12-06 10:20:00", "2026-12-06 11:00:00", 0, 0),
]
CRM_HEADER = ("case_id,line_code,crm_queue,motive,channel,created_at,first_response_at,resolved_at,closed_at,"
              "status,reopen_count,customer_id,customer_phone,customer_email,agent,origin_call_id,outcome")
MOTIVE = {"bo_atc": "cambio_datos", "bo_helpdesk": "reclamo_tecnico", "bo_social": "consulta"}

BRAND_ID = "990000001"
# (tweet id, author id, followers, created UTC, likes, replies, brand reply UTC, hand-computed
# tier and first-response business seconds)
EDGE_TWEETS = [
    # 9 likes + the brand's own reply: 9, below medio's 10 -> bajo; answered on the holiday: 0
    ("1990000000000000001", "880000001", 10, "2026-07-09T13:00:00", 9, 1, "2026-07-09T13:20:00", "bajo", 0),
    # 9 likes + one reply from someone else (+ the brand's): 10 -> medio; bridge day, then Sat 09:00-09:30
    ("1990000000000000002", "880000002", 10, "2026-07-10T13:00:00", 9, 2, "2026-07-11T12:30:00", "medio", 1800),
    # 999 followers (medio needs 1,000): Tue 8 Dec 23:30 (holiday) -> Wed 00:10, before 08:00: 0
    ("1990000000000000003", "880000003", 999, "2026-12-09T02:30:00", 0, 1, "2026-12-09T03:10:00", "bajo", 0),
    # Wed 9 Dec 23:40 -> Thu 00:05 across the midnight close: 20 min
    ("1990000000000000004", "880000001", 10, "2026-12-10T02:40:00", 0, 1, "2026-12-10T03:05:00", "bajo", 1200),
]


def business_seconds(start: datetime, end: datetime, hours: dict | None) -> float:
    """Seconds of [start, end] inside the line's opening hours, day by day. A day the
    `holidays` package lists, or a weekday without hours, is closed; "24:00" is the next
    midnight. A line without hours counts every second."""
    if hours is None:
        return max(0.0, (end - start).total_seconds())
    total, day = 0.0, start.date()
    while day <= end.date():
        window = hours.get(day.weekday())
        if window is not None and day not in CLOSED:
            opens = datetime.combine(day, time.fromisoformat(window[0]))
            h, m = (int(part) for part in window[1].split(":"))
            closes = datetime.combine(day, time()) + timedelta(hours=h, minutes=m)
            total += max(0.0, (min(end, closes) - max(start, opens)).total_seconds())
        day += timedelta(days=1)
    return total


def _tweet(tweet_id, author, created, likes=0, replies=0, reply_to=None):
    tweet = {"id": tweet_id, "text": "@TelecentroAR hola", "author_id": author, "created_at": created + ".000Z",
             "conversation_id": reply_to or tweet_id, "lang": "es",
             "public_metrics": {"retweet_count": 0, "reply_count": replies, "like_count": likes, "quote_count": 0}}
    if reply_to is not None:
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
        tweet["in_reply_to_user_id"] = "x"
    return tweet


def _write_edges(landing, handle: str) -> None:
    folder = landing / "crm" / "edges"
    folder.mkdir(parents=True)
    rows = [CRM_HEADER]
    for case_id, line, created, fr, resolved, *_ in EDGE_CASES:
        status = "resolved" if resolved else "in_progress" if fr else "open"
        channel = "social" if line == "bo_social" else "email"
        rows.append(f"{case_id},{line},{line},{MOTIVE[line]},{channel},{created},{fr},{resolved},,{status},0,"
                    f"CLI-9000001,,,Agente Guardia,,")
    (folder / "cases-edges.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    data, users = [], [{"id": BRAND_ID, "username": handle, "name": "Telecentro",
                        "public_metrics": {"followers_count": 90000}}]
    for n, (tweet_id, author, followers, created, likes, replies, reply_at, *_) in enumerate(EDGE_TWEETS):
        data.append(_tweet(tweet_id, author, created, likes, replies))
        data.append(_tweet(f"19900000000000001{n:02d}", BRAND_ID, reply_at, reply_to=tweet_id))
        if not any(u["id"] == author for u in users):
            users.append({"id": author, "username": f"cliente{author}", "name": "Cliente",
                          "public_metrics": {"followers_count": followers}})
    page = {"data": data, "includes": {"users": users}, "meta": {"result_count": len(data)},
            "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0",
                        "retrieved_at": "2026-12-10T12:00:00+00:00"}}
    folder = landing / "social" / "twitter" / "edges"
    folder.mkdir(parents=True)
    (folder / "search-edges.jsonl").write_text(json.dumps(page) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("business_time")
    text = settings.config_path().read_text(encoding="utf-8")
    assert text.count(SOCIAL_HOURS) == 1
    contract = root / "contract.yml"
    contract.write_text(text.replace(SOCIAL_HOURS, MIDNIGHT_SOCIAL_HOURS), encoding="utf-8")
    config = load_config(contract)
    landing = root / "landing"
    generate(landing / "queue_log", days=5, end="2026-03-25", seed=20260323, outage_days=1, config=contract)
    _write_edges(landing, config.line("bo_social").social_accounts["twitter"][0])
    warehouse = root / "wh.duckdb"
    build_warehouse(warehouse, landing, contract)
    return warehouse, landing, config


def _rows(warehouse, sql: str) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as db:
        cursor = db.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_the_oracle_agrees_with_the_hand_computed_edges(built):
    _, _, config = built
    for _, line, created, fr, resolved, fr_seconds, res_seconds in EDGE_CASES:
        hours = config.line(line).business_hours
        if fr:
            assert business_seconds(datetime.fromisoformat(created), datetime.fromisoformat(fr), hours) == fr_seconds
        if resolved:
            assert business_seconds(datetime.fromisoformat(created), datetime.fromisoformat(resolved),
                                    hours) == res_seconds


def test_every_case_and_ticket_duration_is_exact(built):
    warehouse, landing, config = built
    cases = _rows(warehouse, "select * from fct_cases")
    by_id = {c["case_key"]: c for c in cases}
    # the CRM's endpoints are the file's own
    for path in sorted((landing / "crm").rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                case = by_id[f"crm:{row['case_id']}"]
                assert str(case["created_at_local"]) == row["created_at"]
                assert str(case["first_response_at_local"] or "") == row["first_response_at"]
    edges = {f"crm:{e[0]}": e for e in EDGE_CASES}
    wholly_closed = 0
    for case in cases:
        hours = config.line(case["line_code"]).business_hours
        created = case["created_at_local"]
        for end, got in ((case["first_response_at_local"], case["first_response_business_seconds"]),
                         (case["resolved_at_local"], case["resolution_business_seconds"])):
            if end is None or end < created:
                assert got is None, case["case_key"]
                continue
            expected = business_seconds(created, end, hours)
            assert got == pytest.approx(expected, abs=1e-6), (case["case_key"], created, end, got, expected)
            wholly_closed += expected == 0 and end > created and hours is not None
        if case["case_key"] in edges:
            *_, fr_seconds, res_seconds = edges[case["case_key"]]
            assert case["first_response_business_seconds"] == fr_seconds
            assert case["resolution_business_seconds"] == res_seconds
    # the simulator's on-call answers and the hand-written edges: spans with no business time
    assert wholly_closed >= 20


def _engagement_and_tiers(landing, config) -> dict[str, tuple[int, str, int]]:
    """interaction key -> (engagement, tier, followers) from the landing pages: the platform's
    counts less the brand's own replies found in the data, and the contract's thresholds."""
    handle = config.line("bo_social").social_accounts["twitter"][0].lower()
    tweets, followers, brand, brand_replies = {}, {}, set(), defaultdict(int)
    for path in sorted((landing / "social" / "twitter").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            page = json.loads(line)
            for user in page.get("includes", {}).get("users", []):
                followers[user["id"]] = user["public_metrics"]["followers_count"]
                if user["username"].lower() == handle:
                    brand.add(user["id"])
            for tweet in page.get("data", []) + page.get("includes", {}).get("tweets", []):
                tweets[tweet["id"]] = tweet
    for tweet in tweets.values():
        if tweet["author_id"] in brand:
            for ref in tweet.get("referenced_tweets", []):
                if ref["type"] == "replied_to":
                    brand_replies[ref["id"]] += 1
    out = {}
    for tweet_id, tweet in tweets.items():
        if tweet["author_id"] in brand:
            continue
        m = tweet["public_metrics"]
        engagement = (m["like_count"] + m["retweet_count"] + m["quote_count"]
                      + max(m["reply_count"] - brand_replies[tweet_id], 0))
        out[f"twitter:{tweet_id}"] = (engagement, followers.get(tweet["author_id"], 0))

    def walk(items, page_id):
        for item in items:
            children = item.get("comments", {}).get("data", [])
            if item["from"]["id"] != page_id:
                own = sum(child["from"]["id"] == page_id for child in children)
                out[f"facebook:{item['id']}"] = (item["like_count"] + max(item["comment_count"] - own, 0), 0)
            walk(children, page_id)

    for path in sorted((landing / "social" / "facebook").rglob("*.json")):
        for post in json.loads(path.read_text(encoding="utf-8"))["data"]:
            walk(post.get("comments", {}).get("data", []), post["id"].split("_")[0])
    tiers = sorted(config.line("bo_social").influence_tiers.items(), key=lambda t: -t[1]["min_followers"])

    def tier(engagement, followers):
        return next((name for name, limit in tiers
                     if followers >= limit["min_followers"] or engagement >= limit["min_engagement"]), "bajo")

    return {key: (engagement, tier(engagement, followers_n)) for key, (engagement, followers_n) in out.items()}


def test_every_post_first_response_and_tier_is_exact(built):
    warehouse, landing, config = built
    hours = config.line("bo_social").business_hours
    posts = {p["interaction_key"]: p for p in _rows(warehouse, "select * from fct_social_interactions")}
    expected_tiers = _engagement_and_tiers(landing, config)
    assert set(posts) == set(expected_tiers)
    wholly_closed = 0
    for key, post in posts.items():
        engagement, tier = expected_tiers[key]
        assert (post["engagement"], post["influence_tier"]) == (engagement, tier), key
        if post["first_response_at_local"] is None:
            assert post["first_response_business_seconds"] is None
            continue
        expected = business_seconds(post["created_at_local"], post["first_response_at_local"], hours)
        assert post["first_response_business_seconds"] == pytest.approx(expected, abs=1e-6), key
        wholly_closed += expected == 0 and post["first_response_at_local"] > post["created_at_local"]
    for tweet_id, *_, tier, seconds in EDGE_TWEETS:
        post = posts[f"twitter:{tweet_id}"]
        assert (post["influence_tier"], post["first_response_business_seconds"]) == (tier, seconds)
    assert wholly_closed >= 5


def test_social_averages_keep_posts_and_cases_apart(built):
    warehouse, _, config = built
    hours = config.line("bo_social").business_hours
    posts, cases = defaultdict(list), defaultdict(list)
    for post in _rows(warehouse, "select created_at_local, first_response_at_local from fct_social_interactions "
                                 "where first_response_at_local is not null"):
        month = post["created_at_local"].date().replace(day=1)
        posts[month].append(business_seconds(post["created_at_local"], post["first_response_at_local"], hours))
    for case in _rows(warehouse, "select created_at_local, first_response_at_local from fct_cases "
                                 "where line_code = 'bo_social' and first_response_at_local >= created_at_local"):
        month = case["created_at_local"].date().replace(day=1)
        cases[month].append(business_seconds(case["created_at_local"], case["first_response_at_local"], hours))
    months = {r["report_month"]: r for r in _rows(warehouse, "select * from kpi_line_monthly where line_code = 'bo_social'")}
    assert {date(2026, 3, 1), date(2026, 7, 1), date(2026, 12, 1)} <= set(months)
    for month, row in months.items():
        post_avg = sum(posts[month]) / len(posts[month]) if posts[month] else None
        case_avg = sum(cases[month]) / len(cases[month]) if cases[month] else None
        assert row["responded"] == len(posts[month]) and row["first_responses"] == len(cases[month])
        for name, value in (("social_first_response_avg_business_seconds", post_avg),
                            ("case_first_response_avg_business_seconds", case_avg)):
            assert (row[name] is None) == (value is None), (month, name)
            assert value is None or row[name] == pytest.approx(value), (month, name, row[name], value)
    # December by hand: posts 0 and 1200 s, cases (EDGE-06, EDGE-07) 0 and 1800 s
    december = months[date(2026, 12, 1)]
    assert december["social_first_response_avg_business_seconds"] == 600
    assert december["case_first_response_avg_business_seconds"] == 900
    assert months[date(2026, 7, 1)]["social_first_response_avg_business_seconds"] == 900


def test_backlog_ages_run_to_the_end_of_the_data(built):
    warehouse, _, config = built
    ends = {r["source"]: r["data_end_local"] for r in _rows(warehouse, "select * from intermediate.int_source_data_end")}
    line_sources = defaultdict(set)
    for r in _rows(warehouse, "select * from intermediate.int_line_sources"):
        line_sources[r["line_code"]].add(r["source"])
    cases = _rows(warehouse, "select * from fct_cases")
    # a case's data end at its source's manifest end or any later event the cases carry
    source_end = {"crm": ends["crm_cases"], "otrs": ends["otrs_tickets"]}
    for case in cases:
        for column in ("created_at_local", "first_response_at_local", "resolved_at_local", "closed_at_local"):
            if case[column] is not None:
                source_end[case["source_system"]] = max(source_end[case["source_system"]], case[column])
    assert source_end["crm"] == datetime(2026, 12, 10, 8, 15)  # EDGE-07's resolution
    expected = {}
    for case in cases:
        hours = config.line(case["line_code"]).business_hours
        age_end = source_end[case["source_system"]]
        last_day = max([age_end] + [ends[s] for s in line_sources[case["line_code"]] if s in ends]).date()
        # a case leaves the backlog when resolved or closed without a resolution (the default
        # contract: OTRS "closed unsuccessful"; a CRM case closed with no resolved_at)
        closed_unresolved = case["resolved_at_local"] is None and case["closed_at_local"] is not None and (
            case["status"] == "closed unsuccessful" or (case["source_system"] == "crm" and case["status"] == "closed"))
        created = case["created_at_local"]
        resolved = case["closed_at_local"] if closed_unresolved else case["resolved_at_local"]
        day, age = created.date(), 0.0
        while day <= (resolved.date() if resolved else last_day):
            start = max(created, datetime.combine(day, time()))
            age += business_seconds(start, min(datetime.combine(day + timedelta(days=1), time()), age_end), hours) \
                if start < age_end else 0.0
            if resolved is None or resolved >= datetime.combine(day + timedelta(days=1), time()):
                expected[(case["case_key"], day)] = age
            day += timedelta(days=1)
    actual = {(r["case_key"], r["day"]): r["age_business_seconds"]
              for r in _rows(warehouse, "select * from intermediate.int_case_backlog_daily")}
    assert set(actual) == set(expected)
    assert all(actual[k] == pytest.approx(v, abs=1e-6) for k, v in expected.items()), \
        [(k, actual[k], v) for k, v in expected.items() if actual[k] != pytest.approx(v, abs=1e-6)][:5]
    # EDGE-09 (bo_atc, Sat 5 Dec 10:00, never answered): Wed 9 Dec 09-18 only, then frozen at
    # the CRM's end (Thu 08:15, before Thursday's opening)
    assert actual[("crm:EDGE-09", date(2026, 12, 10))] == 9 * 3600


def test_every_kpi_day_shows_its_backlog_with_ages(built):
    warehouse, _, _ = built
    rows = _rows(warehouse, """
        select line_code, report_date, backlog_end,
               backlog_age_0_8h + backlog_age_8_24h + backlog_age_24_72h + backlog_age_over_72h as aged
        from kpi_line_daily where line_code in (select distinct line_code from fct_cases)""")
    assert rows and all(r["aged"] == r["backlog_end"] for r in rows), [r for r in rows if r["aged"] != r["backlog_end"]][:5]
    last = {}
    for r in rows:
        if r["line_code"] not in last or r["report_date"] > last[r["line_code"]]["report_date"]:
            last[r["line_code"]] = r
    # atc's last day is the queue_log's tail after the CRM export; its stock still has ages
    assert last["atc"]["report_date"] == date(2026, 3, 26) and last["atc"]["aged"] > 0
    assert last["bo_social"]["report_date"] == date(2026, 12, 10) and last["bo_social"]["aged"] > 0


def test_the_calendar_closes_2026s_bridge_days_and_holidays():
    """Resolution 164/2025 set 2026's bridge days ("feriados con fines turísticos"): they, the
    national holidays and Holy Thursday close every line with business hours; a 24-hour line
    stays open (docs/contract_defaults.md#business-time-holidays-bridge-days-and-closed-days)."""
    from contract import calendar_rows

    config = load_config(settings.config_path())
    rows = {(r[0], r[1]): r for r in calendar_rows(config, 2026)}
    bridges = [date(2026, 3, 23), date(2026, 7, 10), date(2026, 12, 7)]
    for day in bridges:
        assert rows[("bo_atc", day)][2:4] == (False, "Feriado con fines turísticos"), day
    for day in (date(2026, 3, 24), date(2026, 4, 2), date(2026, 4, 3), date(2026, 5, 25), date(2026, 7, 9),
                date(2026, 12, 8)):
        for line in ("bo_atc", "bo_helpdesk", "bo_social"):
            assert rows[(line, day)][2] is False and rows[(line, day)][3], (line, day)
    assert rows[("atc", date(2026, 7, 10))][2:] == (True, "Feriado con fines turísticos", "00:00", "24:00")
    # the working days around them stay open
    assert rows[("bo_atc", date(2026, 3, 25))][2:] == (True, None, "09:00", "18:00")
    assert rows[("bo_atc", date(2026, 12, 9))][2:] == (True, None, "09:00", "18:00")
