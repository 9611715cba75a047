"""The Twitter API v2 loader: page accounting, quarantine reasons, tweets and users against
counts computed here with the json module, and idempotent reloads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from ingestion.social_twitter import SOURCE_SPEC, is_twitter_file
from ingestion.sources import load_source

TWEET = {
    "id": "1001", "text": "@TelecentroAR sin internet desde ayer", "author_id": "9",
    "created_at": "2024-03-01T13:00:05.000Z", "conversation_id": "1000", "lang": "es",
    "in_reply_to_user_id": "5",
    "referenced_tweets": [{"type": "replied_to", "id": "1000"}, {"type": "quoted", "id": "999"}],
    "entities": {"mentions": [{"start": 0, "end": 13, "username": "TelecentroAR", "id": "5"}]},
    "public_metrics": {"like_count": 120, "retweet_count": 4, "reply_count": 2, "quote_count": 1,
                       "impression_count": 5400},
}
PAGE = {
    "data": [TWEET],
    "includes": {
        "users": [{"id": "9", "username": "ana_p", "name": "Ana P", "verified": False,
                   "created_at": "2015-11-16T17:03:41.000Z",
                   "public_metrics": {"followers_count": 12500, "following_count": 10, "tweet_count": 99}}],
        "tweets": [{"id": "1000", "text": "Estamos para ayudarte", "author_id": "5"}],
    },
    "meta": {"result_count": 1, "newest_id": "1001", "oldest_id": "1001"},
    "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "retrieved_at": "2024-03-01T13:05:00+00:00"},
}
ERRORS_ONLY = {"errors": [{"title": "Forbidden", "detail": "User has been suspended: [x]."}]}

# (line, reason fragment or None when the page loads)
LINES = [
    (json.dumps(PAGE), None),
    ("", "empty line"),
    ("[]", "not a Twitter API v2 page: a JSON array"),
    ("null", "not a Twitter API v2 page: a JSON null"),
    ('{"foo": 1}', "no data, includes, errors or meta"),
    (json.dumps(ERRORS_ONLY), None),
    ('{"data": {"author_id": "1021159080151404544"', "malformed JSON (44 chars)"),
    (json.dumps({"data": {**TWEET, "id": "1002"}, "includes": {"users": PAGE["includes"]["users"]}}), None),
]


def write(path: Path, lines: list[str], newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline).encode())
    return path


def load(con, landing: Path, files=None):
    return {r.file_path: r for r in load_source(con, landing, SOURCE_SPEC, files)}


def table_digest(db: duckdb.DuckDBPyConnection) -> str:
    rows = []
    for table in ("twitter_pages", "twitter_tweets", "twitter_users", "quarantine", "landing_files"):
        cols = {"quarantine": "* exclude (quarantined_at)", "landing_files": "* exclude (loaded_at)"}.get(table, "*")
        rows.append(db.execute(f"select {cols} from raw.{table} order by all").fetchall())
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_each_bad_page_is_quarantined_with_its_reason_and_the_rest_loads(tmp_path, con):
    write(tmp_path / "social" / "twitter" / "search.jsonl", [line for line, _ in LINES], newline="\r\n")
    [result] = load(con, tmp_path).values()
    expected_bad = {i + 1: reason for i, (_, reason) in enumerate(LINES) if reason}
    assert (result.layout, result.rows_read, result.rows_rejected) == ("jsonl", len(LINES), len(expected_bad))
    quarantined = dict(con.execute("select line_no, reason from raw.quarantine where source = 'twitter_v2'").fetchall())
    assert set(quarantined) == set(expected_bad)
    for line_no, fragment in expected_bad.items():
        assert fragment in quarantined[line_no], (line_no, quarantined[line_no])
    pages = {r[0] for r in con.execute("select line_no from raw.twitter_pages").fetchall()}
    assert pages == {1, 6, 8} and len(pages) == result.rows_loaded


def test_a_page_with_only_errors_loads_and_keeps_them(tmp_path, con):
    write(tmp_path / "social" / "twitter" / "search.jsonl", [line for line, _ in LINES])
    load(con, tmp_path)
    count, errors, tweets = con.execute(
        "select error_count, errors, data_tweets from raw.twitter_pages where line_no = 6").fetchone()
    assert (count, json.loads(errors), tweets) == (1, ERRORS_ONLY["errors"], 0)


def test_tweet_fields_author_and_utc_time(tmp_path, con):
    write(tmp_path / "social" / "twitter" / "search.jsonl", [line for line, _ in LINES])
    load(con, tmp_path)
    row = con.execute(
        "select author_username, author_name, author_followers, created_at_utc, text, lang, conversation_id, "
        "in_reply_to_user_id, replied_to_tweet_id, quoted_tweet_id, retweeted_tweet_id, mentioned_usernames, "
        "like_count, retweet_count, reply_count, quote_count, impression_count "
        "from raw.twitter_tweets where tweet_id = '1001'").fetchone()
    assert row[:3] == ("ana_p", "Ana P", 12500)
    assert str(row[3]) == "2024-03-01 13:00:05"
    assert row[4:] == (TWEET["text"], "es", "1000", "5", "1000", "999", None, ["TelecentroAR"], 120, 4, 2, 1, 5400)
    # a stream page: data is one object, not an array
    assert con.execute("select line_no, part, author_followers from raw.twitter_tweets "
                       "where tweet_id = '1002'").fetchall() == [(8, "data", 12500)]
    # the replied-to tweet of includes is kept, marked as such
    assert con.execute("select part, text from raw.twitter_tweets where tweet_id = '1000'").fetchall() == [
        ("includes", "Estamos para ayudarte")]
    assert con.execute("select count(*), min(followers_count), min(created_at_utc)::varchar from raw.twitter_users "
                       "where user_id = '9'").fetchone() == (2, 12500, "2015-11-16 17:03:41")
    assert str(con.execute("select retrieved_at_utc from raw.twitter_pages where line_no = 1").fetchone()[0]) == (
        "2024-03-01 13:05:00")


def test_a_json_file_is_one_page_whatever_its_formatting(tmp_path, con):
    folder = tmp_path / "social" / "twitter" / "lookups"
    folder.mkdir(parents=True)
    (folder / "pretty.json").write_text(json.dumps(PAGE, indent=2))
    (folder / "broken.json").write_text(json.dumps(PAGE, indent=2)[:-40])
    results = load(con, tmp_path)
    ok, broken = results["social/twitter/lookups/pretty.json"], results["social/twitter/lookups/broken.json"]
    assert (ok.layout, ok.rows_read, ok.rows_loaded) == ("json", 1, 1)
    assert (broken.rows_read, broken.rows_rejected) == (1, 1)
    assert con.execute("select line_no, reason like 'malformed JSON%' from raw.quarantine").fetchall() == [(1, True)]


def test_discovery_takes_only_social_twitter_json(tmp_path):
    for name in ("social/twitter/a.jsonl", "social/twitter/2024/b.json", "social/twitter/c.jsonl.gz",
                 "social/facebook/d.json", "twitter/e.jsonl", "social/twitter/f.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if is_twitter_file(p))
    assert found == ["social/twitter/2024/b.json", "social/twitter/a.jsonl", "social/twitter/c.jsonl.gz"]


def test_loading_twice_changes_nothing_and_a_changed_file_replaces_its_rows(tmp_path):
    path = write(tmp_path / "landing" / "social" / "twitter" / "search.jsonl", [line for line, _ in LINES])
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))
    first, digest = load(db, tmp_path / "landing"), table_digest(db)
    second = load(db, tmp_path / "landing")
    assert [r.status for r in first.values()] == ["loaded"] and [r.status for r in second.values()] == ["unchanged"]
    assert table_digest(db) == digest

    write(path, [LINES[0][0]])
    [third] = load(db, tmp_path / "landing").values()
    assert (third.status, third.rows_read, third.rows_loaded, third.rows_rejected) == ("replaced", 1, 1, 0)
    assert db.execute("select count(*) from raw.twitter_tweets").fetchone()[0] == 2
    assert db.execute("select count(*) from raw.quarantine").fetchone()[0] == 0


def _independent_counts(path: Path) -> dict:
    """Pages, tweets and users of a reference file, read with the json module only."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    counts = {"read": len(lines), "bad": 0, "tweets": 0, "users": 0, "data_tweets": 0, "errors": 0}
    for line in lines:
        try:
            page = json.loads(line)
        except json.JSONDecodeError:
            counts["bad"] += 1
            continue
        data = page.get("data", [])
        data = [data] if isinstance(data, dict) else data
        users = [d for d in data if "username" in d and "text" not in d]
        counts["data_tweets"] += len(data) - len(users)
        counts["tweets"] += len(data) - len(users) + len(page.get("includes", {}).get("tweets", []))
        counts["users"] += len(users) + len(page.get("includes", {}).get("users", []))
        counts["errors"] += len(page.get("errors", []))
    return counts


def _reference_load(reference_data: Path):
    folder = reference_data / "social" / "twitter_v2"
    files = sorted(folder.glob("*.jsonl"))
    db = duckdb.connect()
    return folder, files, db, load(db, folder, files)


def test_every_reference_twitter_file_balances_and_matches_json_counts(reference_data):
    folder, files, db, results = _reference_load(reference_data)
    assert len(files) == 4
    per_file = {
        row[0]: row[1:]
        for row in db.execute(
            """
            select f, (select count(*) from raw.twitter_pages p where p.file_path = f),
                   (select count(*) from raw.twitter_tweets t where t.file_path = f),
                   (select count(*) from raw.twitter_tweets t where t.file_path = f and part = 'data'),
                   (select count(*) from raw.twitter_users u where u.file_path = f),
                   (select coalesce(sum(error_count), 0) from raw.twitter_pages p where p.file_path = f),
                   (select count(*) from raw.quarantine q where q.file_path = f)
            from unnest(?) t(f)
            """, [list(results)]).fetchall()
    }
    for path in files:
        result, expected = results[path.name], _independent_counts(path)
        assert result.rows_read == expected["read"], path
        assert result.rows_loaded + result.rows_rejected == result.rows_read, path
        assert result.rows_rejected == expected["bad"], path
        pages, tweets, data_tweets, users, errors, quarantined = per_file[path.name]
        assert (pages, quarantined) == (result.rows_loaded, result.rows_rejected), path
        assert (tweets, data_tweets, users, errors) == (
            expected["tweets"], expected["data_tweets"], expected["users"], expected["errors"]), path


def test_reference_stream_keeps_its_good_lines_around_the_malformed_one(reference_data):
    _, _, db, results = _reference_load(reference_data)
    stream = results["streaming_output_with_error.jsonl"]
    assert (stream.rows_read, stream.rows_loaded, stream.rows_rejected) == (8, 7, 1)
    [(line_no, reason)] = db.execute(
        "select line_no, reason from raw.quarantine where file_path = 'streaming_output_with_error.jsonl'").fetchall()
    assert line_no == 8 and reason.startswith('malformed JSON (44 chars) starting "{\\"data\\": {\\"author_id\\"')
    assert db.execute("select list(line_no order by line_no) from raw.twitter_pages "
                      "where file_path = 'streaming_output_with_error.jsonl'").fetchone()[0] == list(range(1, 8))


def test_reference_authors_replies_and_times_agree_with_json(reference_data):
    folder, _, db, _ = _reference_load(reference_data)
    page = json.loads((folder / "brexit.jsonl").read_text(encoding="utf-8").split("\n")[0])
    followers = {u["id"]: u["public_metrics"]["followers_count"] for u in page["includes"]["users"]}
    expected = {
        t["id"]: (
            followers.get(t["author_id"]),
            next((r["id"] for r in t.get("referenced_tweets", []) if r["type"] == "replied_to"), None),
            t["conversation_id"],
            t["created_at"].replace("T", " ").replace(".000Z", ""),
        )
        for t in page["data"]
    }
    loaded = {
        row[0]: row[1:]
        for row in db.execute(
            "select tweet_id, author_followers, replied_to_tweet_id, conversation_id, created_at_utc::varchar "
            "from raw.twitter_tweets where file_path = 'brexit.jsonl' and part = 'data'").fetchall()
    }
    assert loaded == expected
    assert sum(1 for v in expected.values() if v[1]) == 10  # the replies of the recent search


def test_reference_user_lookup_puts_users_in_the_users_table(reference_data):
    folder, _, db, _ = _reference_load(reference_data)
    page = json.loads((folder / "users.jsonl").read_text(encoding="utf-8").split("\n")[0])
    expected = [(u["id"], u["username"], u["public_metrics"]["followers_count"]) for u in page["data"]]
    loaded = db.execute("select user_id, username, followers_count from raw.twitter_users "
                        "where file_path = 'users.jsonl' and part = 'data' order by item_no").fetchall()
    # 96 objects for 91 users: a look-up repeats a user, and every occurrence is kept
    assert loaded == expected and (len(loaded), len(set(loaded))) == (96, 91)
    assert db.execute("select data_users, data_tweets, included_tweets, error_count from raw.twitter_pages "
                      "where file_path = 'users.jsonl'").fetchone() == (96, 0, 52, 8)
