"""The Facebook Graph API loader: response shapes, nested edges, record accounting,
quarantine reasons, `+0000` timestamps and ids derived from permalinks, checked against
what the json module reads from the same files."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb

from ingestion.social_facebook import SOURCE_SPEC, is_facebook_file
from ingestion.sources import load_source

TABLES = ("facebook_posts", "facebook_comments", "facebook_messages", "facebook_conversations")

# A feed page of the brand with a post, its comments and a reply from the brand, plus one
# record per quarantine reason. Record numbers follow document order.
FEED = {
    "data": [
        {"id": "111_222", "created_time": "2024-03-01T10:00:00-0300", "message": "Nuevo plan 1 Gb",
         "permalink_url": "https://www.facebook.com/111/posts/222/", "shares": {"count": 3},
         "reactions": {"data": [], "summary": {"total_count": 42}},
         "comments": {"data": [
             {"id": "222_1", "created_time": "2024-03-01T13:05:00+0000", "message": "sin internet hace 3 días",
              "from": {"id": "9", "name": "Ana P"}, "like_count": 150, "comment_count": 1, "is_hidden": False,
              "can_hide": True,
              "comments": {"data": [{"id": "222_2", "created_time": "2024-03-01T13:10:00+0000",
                                     "message": "Te escribimos por privado", "from": {"id": "111", "name": "Telecentro"}}]}},
             {"id": "222_3", "message": "no time"},
             {"created_time": "2024-03-01T13:20:00+0000", "message": "no id, no permalink"},
             {"id": "222_4", "created_time": "ayer", "message": "bad time"},
         ], "summary": {"total_count": 4}}},
        {"id": "111_333", "created_time": 1709298000, "message": "an epoch (date_format=U)"},
        "not an object",
    ],
    "paging": {"cursors": {"before": "b", "after": "a"}},
}
FEED_RECORDS = {  # record_no: (table or quarantine reason fragment)
    1: "facebook_posts", 2: "facebook_comments", 3: "facebook_comments",
    4: "comment without created_time", 5: "comment without id",
    6: 'comment created_time is not a timestamp: "ayer"', 7: "facebook_posts",
    8: "record is not a JSON object",
}
BAD_FILES = {
    "broken.json": ('{"data": [{"id": "1"', "malformed JSON (20 chars)"),
    "error.json": (json.dumps({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                         "code": 190}}), "Graph API error response: (#190) Invalid OAuth"),
    "array.json": ("[1, 2]", "not a Graph API response: a JSON array"),
}
INBOX = {
    "t_1": {"id": "t_1", "updated_time": "2024-03-01T10:00:00+0000", "message_count": 2, "unread_count": 1,
            "participants": {"data": [{"id": "9"}, {"id": "111"}]},
            "messages": {"data": [
                {"id": "m_1", "created_time": "2024-03-01T09:59:00+0000", "message": "hola",
                 "from": {"id": "9", "name": "Ana P"}, "to": {"data": [{"id": "111"}]}},
                {"id": "m_2", "created_time": "2024-03-01T10:00:00+0000", "message": "¿en qué te ayudo?",
                 "from": {"id": "111", "name": "Telecentro"}, "to": {"data": [{"id": "9"}]}}]}},
}


def write_landing(folder: Path) -> Path:
    social = folder / "social" / "facebook"
    social.mkdir(parents=True, exist_ok=True)
    (social / "feed.json").write_text(json.dumps(FEED), encoding="utf-8")
    (social / "inbox.json").write_text(json.dumps(INBOX, indent=2), encoding="utf-8")
    for name, (text, _) in BAD_FILES.items():
        (social / name).write_text(text, encoding="utf-8")
    return folder


def load(con, landing: Path, files=None):
    return {r.file_path: r for r in load_source(con, landing, SOURCE_SPEC, files)}


def table_rows(con, file_path: str) -> dict[int, str]:
    return {
        record_no: table
        for table in TABLES
        for (record_no,) in con.execute(f"select record_no from raw.{table} where file_path = ?", [file_path]).fetchall()
    }


def test_each_record_is_loaded_into_its_table_or_quarantined_with_its_reason(tmp_path, con):
    results = load(con, write_landing(tmp_path))
    feed = results["social/facebook/feed.json"]
    assert (feed.layout, feed.rows_read, feed.rows_loaded, feed.rows_rejected) == ("page", 8, 4, 4)
    loaded = table_rows(con, "social/facebook/feed.json")
    quarantined = dict(con.execute("select line_no, reason from raw.quarantine "
                                   "where file_path = 'social/facebook/feed.json'").fetchall())
    assert loaded == {n: t for n, t in FEED_RECORDS.items() if t.startswith("facebook_")}
    assert set(quarantined) == {n for n, t in FEED_RECORDS.items() if not t.startswith("facebook_")}
    for record_no, reason in quarantined.items():
        assert FEED_RECORDS[record_no] in reason, (record_no, reason)


def test_a_bad_file_is_one_rejected_record(tmp_path, con):
    results = load(con, write_landing(tmp_path))
    for name, (text, fragment) in BAD_FILES.items():
        result = results[f"social/facebook/{name}"]
        assert (result.layout, result.rows_read, result.rows_loaded, result.rows_rejected) == ("rejected", 1, 0, 1)
        [(line_no, raw_text, reason)] = con.execute(
            "select line_no, raw_text, reason from raw.quarantine where file_path = ?",
            [f"social/facebook/{name}"]).fetchall()
        assert (line_no, raw_text) == (0, text) and fragment in reason, reason


def test_nested_comments_know_their_post_and_parent(tmp_path, con):
    load(con, write_landing(tmp_path))
    assert con.execute(
        "select comment_id, id_source, post_id, parent_id, from_name, like_count, comment_count, is_hidden, can_hide "
        "from raw.facebook_comments order by record_no").fetchall() == [
        ("222_1", "id", "111_222", None, "Ana P", 150, 1, False, True),
        ("222_2", "id", "111_222", "222_1", "Telecentro", None, None, None, None),
    ]
    assert con.execute(
        "select post_id, page_id, shares_count, reactions_count, comment_count, permalink_url "
        "from raw.facebook_posts where record_no = 1").fetchone() == (
        "111_222", "111", 3, 42, 4, "https://www.facebook.com/111/posts/222/")


def test_offsets_without_colon_and_epochs_are_read_as_utc(tmp_path, con):
    load(con, write_landing(tmp_path))
    times = dict(con.execute("select post_id, created_at_utc::varchar from raw.facebook_posts").fetchall())
    assert times == {"111_222": "2024-03-01 13:00:00", "111_333": "2024-03-01 13:00:00"}  # -0300 and epoch
    assert con.execute("select min(first_event_utc)::varchar, max(last_event_utc)::varchar from raw.landing_files "
                       "where file_path = 'social/facebook/feed.json'").fetchone() == (
        "2024-03-01 13:00:00", "2024-03-01 13:10:00")


def test_an_id_keyed_inbox_batch_loads_conversations_and_their_messages(tmp_path, con):
    results = load(con, write_landing(tmp_path))
    inbox = results["social/facebook/inbox.json"]
    assert (inbox.layout, inbox.rows_read, inbox.rows_loaded, inbox.rows_rejected) == ("batch", 3, 3, 0)
    assert con.execute("select conversation_id, updated_at_utc::varchar, message_count, unread_count, participant_ids "
                       "from raw.facebook_conversations").fetchall() == [
        ("t_1", "2024-03-01 10:00:00", 2, 1, ["9", "111"])]
    assert con.execute("select message_id, conversation_id, from_id, to_ids, message from raw.facebook_messages "
                       "order by record_no").fetchall() == [
        ("m_1", "t_1", "9", ["111"], "hola"), ("m_2", "t_1", "111", ["9"], "¿en qué te ayudo?")]


def test_discovery_takes_only_social_facebook_json(tmp_path):
    for name in ("social/facebook/a.json", "social/facebook/2024/b.json.gz", "social/facebook/c.jsonl",
                 "social/twitter/d.json", "facebook/e.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if is_facebook_file(p))
    assert found == ["social/facebook/2024/b.json.gz", "social/facebook/a.json"]


def table_digest(db: duckdb.DuckDBPyConnection) -> str:
    rows = []
    for table in (*TABLES, "quarantine", "landing_files"):
        cols = {"quarantine": "* exclude (quarantined_at)", "landing_files": "* exclude (loaded_at)"}.get(table, "*")
        rows.append(db.execute(f"select {cols} from raw.{table} order by all").fetchall())
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_loading_twice_changes_nothing_and_a_changed_file_replaces_its_rows(tmp_path):
    landing = write_landing(tmp_path / "landing")
    db = duckdb.connect(str(tmp_path / "wh.duckdb"))
    first, digest = load(db, landing), table_digest(db)
    second = load(db, landing)
    assert {r.status for r in first.values()} == {"loaded"} and {r.status for r in second.values()} == {"unchanged"}
    assert table_digest(db) == digest

    (landing / "social" / "facebook" / "feed.json").write_text(json.dumps({"data": FEED["data"][1:2]}))
    third = load(db, landing)["social/facebook/feed.json"]
    assert (third.status, third.rows_read, third.rows_loaded, third.rows_rejected) == ("replaced", 1, 1, 0)
    assert db.execute("select count(*) from raw.facebook_comments").fetchone()[0] == 0
    assert db.execute("select count(*) from raw.quarantine where file_path = 'social/facebook/feed.json'"
                      ).fetchone()[0] == 0


def _expected_records(path: Path) -> dict[str, int]:
    """Records per table of a reference file, read with the json module; what each file
    holds is known from its name, not sniffed as the loader does."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    records = doc["data"] if "data" in doc else (list(doc.values()) if "id" not in doc else [doc])
    table = next(t for prefix, t in (("comments", "facebook_comments"), ("models_comment", "facebook_comments"),
                                     ("posts", "facebook_posts"), ("messages", "facebook_messages"),
                                     ("conversations", "facebook_conversations")) if path.name.startswith(prefix))
    return {table: len(records)}


def _reference_load(reference_data: Path):
    folder = reference_data / "social" / "facebook_graph"
    files = sorted(folder.glob("*.json"))
    db = duckdb.connect()
    return folder, files, db, load(db, folder, files)


def test_every_reference_facebook_file_balances_and_matches_json_counts(reference_data):
    folder, files, db, results = _reference_load(reference_data)
    assert len(files) == 7
    for path in files:
        result, expected = results[path.name], _expected_records(path)
        counts = {t: db.execute(f"select count(*) from raw.{t} where file_path = ?", [path.name]).fetchone()[0]
                  for t in TABLES}
        quarantined = db.execute("select count(*) from raw.quarantine where file_path = ?", [path.name]).fetchone()[0]
        assert result.rows_read == sum(expected.values()) == result.rows_loaded + result.rows_rejected, path
        assert (result.rows_rejected, quarantined) == (0, 0), path
        assert counts == {t: expected.get(t, 0) for t in TABLES}, path
    assert {results[p.name].layout for p in files} == {"page", "batch", "object"}


def test_reference_comment_times_are_the_right_utc_instants(reference_data):
    folder, files, db, _ = _reference_load(reference_data)
    for name in ("comments_comments_p1.json", "comments_comments_p2.json"):
        data = json.loads((folder / name).read_text(encoding="utf-8"))["data"]
        expected = [
            datetime.strptime(c["created_time"], "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC).replace(tzinfo=None)
            for c in data
        ]
        loaded = [r[0] for r in db.execute("select created_at_utc from raw.facebook_comments where file_path = ? "
                                           "order by record_no", [name]).fetchall()]
        assert loaded == expected
    assert str(db.execute("select created_at_utc from raw.facebook_comments where file_path = 'models_comment.json'"
                          ).fetchone()[0]) == "2021-07-23 08:35:18"


def test_reference_comments_without_id_take_it_from_the_permalink(reference_data):
    folder, _, db, _ = _reference_load(reference_data)
    data = json.loads((folder / "comments_comments_p1.json").read_text(encoding="utf-8"))["data"]
    expected = []
    for c in data:
        url = urlparse(c["permalink_url"])
        page, _, post = url.path.strip("/").split("/")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        own = query.get("reply_comment_id", query["comment_id"])
        parent = f"{post}_{query['comment_id']}" if "reply_comment_id" in query else None
        expected.append((f"{post}_{own}", "permalink_url", f"{page}_{post}", parent, c["like_count"], c["comment_count"]))
    assert db.execute(
        "select comment_id, id_source, post_id, parent_id, like_count, comment_count from raw.facebook_comments "
        "where file_path = 'comments_comments_p1.json' order by record_no").fetchall() == expected
    # the API's own id agrees with the derivation
    assert db.execute("select comment_id, id_source, post_id, from_id, is_hidden, can_hide, attachment_type "
                      "from raw.facebook_comments where file_path = 'models_comment.json'").fetchone() == (
        "2954961744718970_2966313500250461", "id", "2121008874780932_2954961744718970", "2711636948859886",
        False, True, "photo")


def test_reference_batch_lookups_load_by_key(reference_data):
    folder, _, db, _ = _reference_load(reference_data)
    for name, table, key in (("messages_messages_info.json", "facebook_messages", "message_id"),
                             ("conversations_cvses_info.json", "facebook_conversations", "conversation_id")):
        ids = list(json.loads((folder / name).read_text(encoding="utf-8")))
        assert [r[0] for r in db.execute(f"select {key} from raw.{table} where file_path = ? order by record_no",
                                         [name]).fetchall()] == ids
