"""The other sources the simulator writes from the same operation (CDR, CRM, OTRS, Twitter,
Facebook): real formats, parseable with the standard library, and consistent with each
other and with the queue_log."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import holidays
import pytest

from contract import load_config
from ingestion.settings import config_path
from simulator import generate

BA = timezone(timedelta(hours=-3))  # Buenos Aires, no DST since 2009
SEED = 20130527
END = date(2026, 9, 18)  # with this seed and range, the one outage falls on Fri 2026-09-18
DAYS = 14
CRM_COLUMNS = [  # docs/formats/crm_cases_csv.md
    "case_id", "line_code", "crm_queue", "motive", "channel", "created_at", "first_response_at",
    "resolved_at", "closed_at", "status", "reopen_count", "customer_id", "customer_phone",
    "customer_email", "agent", "origin_call_id", "outcome",
]
TS = "%Y-%m-%d %H:%M:%S"
CALLID = re.compile(r"^\d{10}\.\d+$")
CDR_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,"]*)')


def cdr_fields(line: str) -> list[tuple[str, bool]]:
    """(value, was quoted) of each field of a cdr_csv line."""
    out, pos = [], 0
    while True:
        m = CDR_FIELD.match(line, pos)
        quoted = m.group(1) is not None
        out.append((m.group(1).replace('""', '"') if quoted else m.group(2), quoted))
        pos = m.end()
        if pos == len(line):
            return out
        assert line[pos] == ",", (line, pos)
        pos += 1


def ts(text: str) -> datetime:
    return datetime.strptime(text, TS)


@pytest.fixture(scope="module")
def config():
    return load_config(config_path())


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    landing = tmp_path_factory.mktemp("landing")
    summary = generate(landing / "queue_log", days=DAYS, end=END, seed=SEED, outage_days=1)
    return landing, summary


@pytest.fixture(scope="module")
def queue_calls(sim):
    """callid -> its queue entries in log order, each {'enter': epoch, 'number': str,
    'connect': (epoch, agent) | None, 'end': epoch | None} (a call transferred or overflowing
    into another queue has more than one)."""
    landing, _ = sim
    calls: dict[str, list[dict]] = defaultdict(list)
    for path in sorted((landing / "queue_log").glob("queue_log-*")):
        for line in path.read_text(encoding="utf-8").splitlines():
            epoch, callid, _queue, agent, event, *data = line.split("|")
            if event == "ENTERQUEUE":
                calls[callid].append({"enter": int(epoch), "number": data[1], "connect": None, "end": None})
            elif event == "CONNECT":
                calls[callid][-1]["connect"] = (int(epoch), agent)
            elif event in ("COMPLETEAGENT", "COMPLETECALLER", "BLINDTRANSFER", "ATTENDEDTRANSFER", "ABANDON",
                           "EXITWITHTIMEOUT", "EXITWITHKEY"):
                calls[callid][-1]["end"] = int(epoch)
    return dict(calls)


@pytest.fixture(scope="module")
def cdr(sim):
    landing, _ = sim
    raw = (landing / "cdr" / "Master.csv").read_text(encoding="utf-8")
    assert raw.endswith("\n") and not raw.startswith("accountcode")
    lines = raw.splitlines()
    with open(landing / "cdr" / "Master.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == len(lines)
    return lines, rows


@pytest.fixture(scope="module")
def cases(sim):
    landing, _ = sim
    out = []
    for path in sorted((landing / "crm").glob("cases-*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == CRM_COLUMNS, path
            for row in reader:
                row["_file"] = path.name
                out.append(row)
    return out


@pytest.fixture(scope="module")
def tweets(sim):
    landing, _ = sim
    pages = []
    for path in sorted((landing / "social" / "twitter").glob("search-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            pages.append((path.name, json.loads(line)))
    return pages


@pytest.fixture(scope="module")
def feed(sim):
    landing, _ = sim
    return [(p.name, json.loads(p.read_text(encoding="utf-8")))
            for p in sorted((landing / "social" / "facebook").glob("feed-*.json"))]


@pytest.fixture(scope="module")
def tickets(sim):
    landing, _ = sim
    out = []
    for path in sorted((landing / "otrs").glob("tickets-*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert list(doc) == ["Ticket"]
        out += [(path.name, t) for t in doc["Ticket"]]
    return out


def business_seconds(a: datetime, b: datetime, hours: dict, ar_holidays) -> float:
    """Business seconds between two local times, computed day by day (independent of simulator.bizcal)."""
    total, d = 0.0, a.date()
    while d <= b.date():
        if d.weekday() in hours and d not in ar_holidays:
            o, c = hours[d.weekday()]
            start = datetime.combine(d, datetime.strptime(o, "%H:%M").time())
            end = datetime.combine(d, datetime.min.time()) + timedelta(
                hours=int(c[:2]), minutes=int(c[3:]))
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        d += timedelta(days=1)
    return total


def in_hours(t: datetime, hours: dict, ar_holidays) -> bool:
    if t.weekday() not in hours or t.date() in ar_holidays:
        return False
    o, c = hours[t.weekday()]
    return o <= t.strftime("%H:%M") and t.strftime("%H:%M:%S") <= c + ":00"


# --- CDR ---------------------------------------------------------------------------------
def test_cdr_is_cdr_csv_with_18_fields(cdr, queue_calls):
    lines, rows = cdr
    for line, row in zip(lines, rows):
        f = cdr_fields(line)
        assert len(f) == len(row) == 18, line
        for i, (value, quoted) in enumerate(f):
            if i in (12, 13):  # duration, billsec: bare integers
                assert not quoted and value.isdigit(), line
            elif i == 10 and value == "":  # unset answer: empty and unquoted
                assert not quoted, line
            else:
                assert quoted, (i, line)
        start, answer, end = row[9], row[10], row[11]
        assert ts(end) >= ts(start)
        assert int(row[12]) == (ts(end) - ts(start)).total_seconds()
        if answer:
            assert int(row[13]) == (ts(end) - ts(answer)).total_seconds()
        else:
            assert row[13] == "0" and row[14] != "ANSWERED"
        assert row[14] in ("ANSWERED", "NO ANSWER", "BUSY", "FAILED")
        assert CALLID.match(row[16]), row[16]
    ends = [ts(r[11]) for r in rows]
    assert ends == sorted(ends), "Master.csv is appended when calls end"
    # uniqueids are unique across inbound and outbound calls; a call that went on to a second
    # queue writes a CDR record per queue entry under its one uniqueid
    inbound = Counter(r[16] for r in rows if r[7] == "Queue")
    outbound = Counter(r[16] for r in rows if r[7] != "Queue")
    assert set(outbound.values()) == {1} and not set(outbound) & set(inbound)
    assert inbound == {callid: len(entries) for callid, entries in queue_calls.items()}
    assert max(inbound.values()) == 2
    # the embedded quotes of clid are doubled
    assert any('"""' in line for line in lines)


def test_inbound_cdr_rows_join_the_queue_log(cdr, queue_calls):
    _, rows = cdr
    inbound = defaultdict(list)
    for r in rows:  # in order of call end, as the entries of one call
        if r[7] == "Queue":
            inbound[r[16]].append(r)
    assert set(inbound) == set(queue_calls)
    for callid, entries in queue_calls.items():
        for i, (r, c) in enumerate(zip(inbound[callid], entries, strict=True)):
            assert r[0] == "" and r[1] == c["number"]
            # the first record starts at the creation of the caller's channel, the epoch of the
            # uniqueid; a later one when the call entered its next queue
            start = int(callid.split(".")[0]) if i == 0 else c["enter"]
            assert ts(r[9]).replace(tzinfo=BA).timestamp() == start
            assert ts(r[11]).replace(tzinfo=BA).timestamp() == c["end"]
            assert bool(r[6]) == (c["connect"] is not None)
            assert re.fullmatch(r"SIP/trunk-[0-9a-f]{8}", r[5])


def test_outbound_dials_look_like_a_dialer(cdr, config):
    _, rows = cdr
    line = next(line for line in config.lines if line.direction == "outbound")
    out = [r for r in rows if r[7] == "Dial"]
    assert {r[0] for r in out} == set(line.campaigns)
    assert set(config.campaign_to_line().values()) == {line.code}
    shares = Counter(r[14] for r in out)
    n = len(out)
    assert 0.45 < shares["ANSWERED"] / n < 0.70
    assert 0.15 < shares["NO ANSWER"] / n < 0.40
    assert 0.03 < shares["BUSY"] / n < 0.20
    assert 0.01 < shares["FAILED"] / n < 0.12
    ar = holidays.country_holidays("AR", years=[END.year])
    per_day = Counter()
    per_lead_day = Counter()
    for r in out:
        assert re.fullmatch(r"\d{4}", r[1]) and re.fullmatch(r"11\d{8}", r[2])
        assert re.fullmatch(rf"SIP/{r[1]}-[0-9a-f]{{8}}", r[5])
        assert re.fullmatch(r"SIP/trunk-[0-9a-f]{8}", r[6]) or (r[6] == "" and r[14] == "FAILED")
        assert r[17] == "" or r[17].startswith("CAS-")
        start = ts(r[9])
        # agents dial in business hours: Mon-Fri 9-18, Sat 9-13, never on Sundays or holidays
        assert start.weekday() < 6 and start.date() not in ar
        assert time_in(start, "09:00", "18:00" if start.weekday() < 5 else "13:00"), r
        per_day[start.date()] += 1
        per_lead_day[(r[2], r[0], start.date())] += 1
    weekdays = [v for d, v in per_day.items() if d.weekday() < 5]
    assert min(weekdays) > 100 and max(weekdays) < 700, per_day
    assert max(per_lead_day.values()) <= 4
    assert sum(v >= 3 for v in per_lead_day.values()) > 20, "unreached customers are retried"
    over_days = defaultdict(set)
    for (number, campaign, day) in per_lead_day:
        over_days[(number, campaign)].add(day)
    assert sum(len(d) >= 2 for d in over_days.values()) > 10, "and retried on the next working days"


def time_in(t: datetime, lo: str, hi: str) -> bool:
    return lo <= t.strftime("%H:%M") and t.strftime("%H:%M") < hi


# --- CRM ---------------------------------------------------------------------------------
def test_crm_export_follows_the_documented_format(cases, config):
    assert len({c["case_id"] for c in cases}) == len(cases)
    lines = {line.code for line in config.lines}
    for c in cases:
        assert c["line_code"] in lines
        assert c["channel"] in ("phone", "email", "web", "fax", "social", "outbound")
        assert c["status"] in ("open", "in_progress", "resolved", "closed", "reopened")
        assert c["outcome"] in ("", "retained", "cancelled")
        assert c["reopen_count"].isdigit()
        created = ts(c["created_at"])
        assert c["_file"] == f"cases-{created:%Y%m%d}.csv"
        for col in ("first_response_at", "resolved_at", "closed_at"):
            if c[col]:
                assert ts(c[col]) >= created, (col, c)
        assert re.fullmatch(r"CLI-\d{7}", c["customer_id"])
        assert re.fullmatch(r"11\d{8}", c["customer_phone"])
        assert re.fullmatch(r"[a-z0-9.]+@example\.com", c["customer_email"])
        if c["status"] == "closed":
            assert c["closed_at"]
        if c["status"] in ("open", "in_progress", "reopened"):
            assert not c["closed_at"] and not c["resolved_at"]
        if c["line_code"] in config.crm_queue_to_line().values() and c["crm_queue"] in config.crm_queue_to_line():
            assert config.crm_queue_to_line()[c["crm_queue"]] == c["line_code"]
    per_line = Counter(c["line_code"] for c in cases)
    assert set(per_line) == lines - {config.unmapped_line}, per_line
    assert any(c["status"] == "reopened" for c in cases)
    assert sum(int(c["reopen_count"]) > 0 for c in cases) > 20


def test_phone_cases_name_answered_calls_of_the_queue_log(cases, queue_calls):
    phone = [c for c in cases if c["channel"] == "phone"]
    assert len(phone) > 1000
    for c in phone:
        # opened by the agent who answered one of the call's queue entries, when it ended,
        # for the caller's number
        created = ts(c["created_at"]).replace(tzinfo=BA).timestamp()
        entries = [e for e in queue_calls[c["origin_call_id"]]
                   if e["connect"] is not None and e["connect"][1] == c["agent"] and e["end"] == created]
        assert len(entries) == 1, c
        assert entries[0]["number"] in (c["customer_phone"], "anonymous", "", "Restricted")
    assert all(not c["origin_call_id"] or c["channel"] in ("phone", "social") for c in cases)
    assert all(CALLID.match(c["origin_call_id"]) for c in phone)


def test_retained_customers_had_an_answered_call(cases, cdr, config):
    _, rows = cdr
    outbound = defaultdict(list)
    for r in rows:
        if r[7] == "Dial":
            outbound[(r[2], r[0])].append(r)
    line = next(line for line in config.lines if line.direction == "outbound")
    sat = [c for c in cases if c["line_code"] == line.code]
    assert {c["motive"] for c in sat} == set(line.campaigns)
    retention = [c for c in sat if c["motive"].startswith("reten")]
    decided = Counter(c["outcome"] for c in retention if c["outcome"])
    assert decided["retained"] > 20 and decided["cancelled"] > 20
    assert 0.2 < decided["retained"] / (decided["retained"] + decided["cancelled"]) < 0.6
    for c in retention:
        if c["outcome"] == "retained":
            contacts = [r for r in outbound[(c["customer_phone"], c["motive"])]
                        if r[14] == "ANSWERED" and int(r[13]) > 0
                        and ts(c["created_at"]) <= ts(r[9]) and ts(r[11]) <= ts(c["resolved_at"])]
            assert contacts, c
            assert c["first_response_at"] == contacts[0][10]
        if c["outcome"]:
            assert c["resolved_at"]
    # every dial names a case of the campaign when the userfield is set
    by_id = {c["case_id"]: c for c in sat}
    for r in rows:
        if r[7] == "Dial" and r[17]:
            assert by_id[r[17]]["customer_phone"] == r[2] and by_id[r[17]]["motive"] == r[0]
    # a customer asking to cancel got the retention case after the call
    cancels = [c for c in cases if c["motive"] == "solicitud_baja" and c["channel"] == "phone"]
    assert cancels
    open_retention = {c["customer_id"] for c in retention}
    assert sum(c["customer_id"] in open_retention for c in cancels) >= 0.9 * len(cancels)


def test_back_office_cases_meet_most_business_hour_targets(cases, config):
    ar = holidays.country_holidays("AR", years=[END.year])
    for line in config.lines:
        if line.direction != "backoffice":
            continue
        mine = [c for c in cases if c["line_code"] == line.code]
        assert {c["motive"] for c in mine} <= set(line.motives)
        assert {c["channel"] for c in mine} == {"email", "web", "fax"}
        per_day = Counter(ts(c["created_at"]).date() for c in mine)
        assert 10 <= sum(per_day.values()) / len(per_day) <= 300, per_day
        fr_ok = fr_n = res_ok = res_n = 0
        for c in mine:
            created = ts(c["created_at"])
            if c["first_response_at"]:
                fr = ts(c["first_response_at"])
                assert in_hours(fr, line.business_hours, ar), (line.code, c)
                fr_n += 1
                fr_ok += business_seconds(created, fr, line.business_hours, ar) <= \
                    line.first_response_target_business_hours * 3600 + 1
            if c["resolved_at"] and c["reopen_count"] == "0":
                res_n += 1
                res_ok += business_seconds(created, ts(c["resolved_at"]), line.business_hours, ar) <= \
                    line.motives[c["motive"]] * 3600 + 1
        assert 0.80 < fr_ok / fr_n < 0.995, (line.code, fr_ok / fr_n)
        assert 0.75 < res_ok / res_n < 0.99, (line.code, res_ok / res_n)


def test_social_escalations_point_to_existing_posts(cases, tweets, feed, config):
    social = [c for c in cases if c["line_code"] == "bo_social"]
    assert len(social) > 30 and all(c["channel"] == "social" for c in social)
    handle = config.line("bo_social").social_accounts["twitter"][0]
    brand = {u["id"] for _, p in tweets for u in p.get("includes", {}).get("users", []) if u["username"] == handle}
    mentions = {t["id"]: t for _, p in tweets for t in p.get("data", []) if t["author_id"] not in brand}
    comments = {cm["id"]: cm for _, page in feed for post in page["data"]
                for cm in post.get("comments", {}).get("data", [])}
    kinds = Counter()
    for c in social:
        kind, _, ref = c["origin_call_id"].partition(":")
        kinds[kind] += 1
        if kind == "twitter":
            when = datetime.strptime(mentions[ref]["created_at"], "%Y-%m-%dT%H:%M:%S.000Z")
        else:
            assert kind == "facebook", c
            assert not comments[ref]["is_hidden"]
            when = datetime.strptime(comments[ref]["created_time"], "%Y-%m-%dT%H:%M:%S+0000")
        assert ts(c["created_at"]) > when.replace(tzinfo=UTC).astimezone(BA).replace(tzinfo=None)
    assert kinds["twitter"] > 10 and kinds["facebook"] > 5


# --- social --------------------------------------------------------------------------------
def test_twitter_pages_are_twarc_recent_search_pages(tweets, config):
    handle = config.line("bo_social").social_accounts["twitter"][0]
    all_tweets, users = {}, {}
    for name, page in tweets:
        assert set(page) <= {"data", "includes", "meta", "__twarc"} and "meta" in page and "__twarc" in page
        data = page.get("data", [])
        assert page["meta"]["result_count"] == len(data) <= 100
        if data:
            assert page["meta"]["newest_id"] == data[0]["id"] and page["meta"]["oldest_id"] == data[-1]["id"]
            assert [int(t["id"]) for t in data] == sorted((int(t["id"]) for t in data), reverse=True)
        for u in page.get("includes", {}).get("users", []):
            users[u["id"]] = u
        for t in data:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", t["created_at"])
            local = datetime.strptime(t["created_at"], "%Y-%m-%dT%H:%M:%S.000Z").replace(
                tzinfo=UTC).astimezone(BA)
            assert name == f"search-{local:%Y%m%d}.jsonl"
            assert set(t["public_metrics"]) == {"retweet_count", "reply_count", "like_count", "quote_count"}
            assert t["author_id"] in users
            all_tweets[t["id"]] = t
    brand_id = next(uid for uid, u in users.items() if u["username"] == handle)
    mentions = [t for t in all_tweets.values() if t["author_id"] != brand_id]
    replies = [t for t in all_tweets.values() if t["author_id"] == brand_id]
    assert all(f"@{handle}" in t["text"] for t in mentions)
    answered = set()
    for r in replies:
        assert r["referenced_tweets"][0]["type"] == "replied_to"
        parent = all_tweets[r["referenced_tweets"][0]["id"]]
        assert r["in_reply_to_user_id"] == parent["author_id"] and r["conversation_id"] == parent["conversation_id"]
        assert r["created_at"] >= parent["created_at"]
        answered.add(parent["id"])
    unanswered = [t for t in mentions if t["id"] not in answered]
    assert 0.03 < len(unanswered) / len(mentions) < 0.3
    followers = sorted(u["public_metrics"]["followers_count"] for uid, u in users.items() if uid != brand_id)
    median, top = followers[len(followers) // 2], followers[-1]
    assert median < 1000 and top > 20_000 and top > 100 * median, "heavy-tailed followers"


def test_facebook_pages_are_graph_feed_pages(feed, config):
    page_name = config.line("bo_social").social_accounts["facebook"][0]
    hidden = replies = comments = 0
    for _, page in feed:
        assert set(page) <= {"data", "paging"}
        for post in page["data"]:
            page_id, _ = post["id"].split("_")
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", post["created_time"])
            posted = post["created_time"]
            for cm in post.get("comments", {}).get("data", []):
                comments += 1
                assert cm["created_time"] >= posted and cm["created_time"].endswith("+0000")
                assert set(cm) >= {"id", "from", "created_time", "message", "like_count", "comment_count", "is_hidden"}
                hidden += cm["is_hidden"]
                thread = cm.get("comments", {}).get("data", [])
                assert cm["comment_count"] == len(thread)
                for r in thread:
                    assert r["parent"]["id"] == cm["id"] and r["created_time"] >= cm["created_time"]
                    if r["from"]["id"] == page_id:
                        assert r["from"]["name"] == page_name
                        replies += 1
                if cm["is_hidden"]:
                    assert not any(r["from"]["id"] == page_id for r in thread)
    assert comments > 100 and hidden > 0 and replies > 0.7 * (comments - hidden)


# --- OTRS ----------------------------------------------------------------------------------
def test_otrs_tickets_are_ticketget_responses(tickets, config):
    line = next(line for line in config.lines if line.otrs_queues)
    assert {t["Queue"] for _, t in tickets} == set(line.otrs_queues)
    assert set(config.otrs_queue_to_line().values()) == {line.code}
    assert len({t["TicketID"] for _, t in tickets}) == len(tickets)
    assert len({t["TicketNumber"] for _, t in tickets}) == len(tickets)
    for name, t in tickets:
        created = ts(t["Created"])
        assert name == f"tickets-{created:%Y%m%d}.json" and t["TicketNumber"].startswith(f"{created:%Y%m%d}")
        assert ts(t["Changed"]) >= created
        assert t["StateType"] in ("new", "open", "closed") and t["State"].startswith(t["StateType"])
        fields = {f["Name"]: f["Value"] for f in t["DynamicField"]}
        assert fields["Motivo"] in line.motives
        arts = t["Article"]
        assert arts[0]["SenderType"] in ("customer", "system") and arts[0]["CreateTime"] == t["Created"]
        agent = [a for a in arts if a["SenderType"] == "agent"]
        assert (t["StateType"] == "new") == (not agent)
        if t["StateType"] == "closed":
            assert t["Changed"] == arts[-1]["CreateTime"]
        assert [a["CreateTime"] for a in arts] == sorted(a["CreateTime"] for a in arts)
    motive_of = {t["Queue"]: {f["Name"]: f["Value"] for f in t["DynamicField"]}["Motivo"] for _, t in tickets}
    assert len(set(motive_of.values())) == len(motive_of), motive_of


# --- outages, determinism, summary ------------------------------------------------------------
def test_outage_floods_tickets_and_mentions_in_its_window(sim, tickets, tweets):
    landing, summary = sim
    with open(landing / "outages" / "outages.csv", encoding="utf-8") as fh:
        (outage,) = list(csv.DictReader(fh))
    start, end = ts(outage["start_local"]), ts(outage["end_local"])
    day, normal = start.date(), start.date() - timedelta(days=7)
    assert day == END

    def no_signal(d):
        return sum(1 for _, t in tickets if ts(t["Created"]).date() == d and "señal" in t["Queue"].lower())

    assert no_signal(day) > 1.5 * no_signal(normal)

    def buildings(d):
        return sum(1 for _, t in tickets if ts(t["Created"]).date() == d and "edificio" in t["Queue"].lower())

    assert buildings(day) > 2 * max(1, buildings(normal))
    tagged = [t for _, t in tickets if {f["Name"]: f["Value"] for f in t["DynamicField"]}["FallaMasiva"]]
    assert tagged and all(start <= ts(t["Created"]) <= end + timedelta(hours=3, minutes=10) for t in tagged)
    assert all({f["Name"]: f["Value"] for f in t["DynamicField"]}["Zona"] == outage["area"] for t in tagged)

    def mentions(d):
        return sum(1 for name, page in tweets if name == f"search-{d:%Y%m%d}.jsonl"
                   for t in page.get("data", []) if "referenced_tweets" not in t)

    assert mentions(day) > 1.5 * mentions(normal)
    daily = summary["sources"]["daily"]
    assert daily[day.isoformat()]["facebook_comments"] > daily[normal.isoformat()]["facebook_comments"]
    assert summary["daily"][day.isoformat()]["helpdesk"]["offered"] > summary["daily"][normal.isoformat()]["helpdesk"]["offered"]


def test_summary_counts_match_the_files(sim, cdr, cases, tickets, feed):
    _, summary = sim
    s = summary["sources"]
    assert s["cdr"]["rows"] == len(cdr[1])
    assert s["cdr"]["inbound_rows"] == summary["calls"]
    assert s["crm"]["cases"] == len(cases)
    assert s["crm"]["by_line"] == dict(Counter(c["line_code"] for c in cases))
    assert s["otrs"]["tickets"] == len(tickets)
    assert s["facebook"]["comments"] == sum(len(p.get("comments", {}).get("data", []))
                                            for _, page in feed for p in page["data"])
    assert len(s["files"]["crm"]) == DAYS and len(s["files"]["social/twitter"]) == DAYS


def _all_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_for_every_source(tmp_path):
    for name, seed in (("a", SEED), ("b", SEED), ("c", SEED + 1)):
        generate(tmp_path / name / "queue_log", days=3, end=END, seed=seed, outage_days=1)
    a, b, c = (_all_files(tmp_path / n) for n in "abc")
    folders = {k.split("/")[0] for k in a}
    assert folders == {"queue_log", "outages", "cdr", "crm", "otrs", "social"}
    assert a == b
    for key in ("cdr/Master.csv", "crm/cases-20260918.csv", "otrs/tickets-20260918.json",
                "social/twitter/search-20260918.jsonl", "social/facebook/feed-20260918.json"):
        assert a[key] != c[key], key


def test_sources_can_be_left_out(tmp_path):
    summary = generate(tmp_path / "queue_log", days=1, end=END, seed=SEED, outage_days=0, sources=False)
    assert summary["sources"] is None
    assert {p.name for p in tmp_path.iterdir()} == {"queue_log", "outages"}
