"""Twitter API v2 response pages (as twarc writes them) into raw.twitter_pages,
raw.twitter_tweets and raw.twitter_users.

A file under `social/twitter/` holds response pages: one per line (`.jsonl`, twarc's
output) or one JSON document (`.json`, any formatting). The unit of accounting is the
page: a page that is valid JSON and looks like a v2 response is loaded (one row in
raw.twitter_pages, even with no data, e.g. only `errors[]`), any other line is
quarantined. Its tweets and users are unnested in SQL and kept with their page's line;
the same tweet or user in several pages is kept every time (deduplication is dbt's job).
See docs/formats/social.md.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "twitter_v2"

DDL = """
create schema if not exists raw;

-- One row per loaded page: the rows_loaded of raw.landing_files count these.
create table if not exists raw.twitter_pages (
    file_path         varchar not null,
    line_no           integer not null,   -- 1-based line of the page (1 for a .json file)
    data_tweets       integer not null,   -- tweets in data[] (a stream page has one, as an object)
    data_users        integer not null,   -- users in data[] (user look-ups)
    included_tweets   integer not null,
    included_users    integer not null,
    error_count       integer not null,
    errors            varchar,            -- errors[] as JSON text: what the API could not return
    result_count      integer,
    newest_id         varchar,
    oldest_id         varchar,
    next_token        varchar,
    request_url       varchar,            -- __twarc.url
    retrieved_at_utc  timestamp,          -- __twarc.retrieved_at
    primary key (file_path, line_no)
);

-- Every tweet object of every page: data[] (what was asked for) and includes.tweets[]
-- (tweets those refer to: the replied-to, quoted or retweeted ones).
create table if not exists raw.twitter_tweets (
    file_path            varchar not null,
    line_no              integer not null,
    part                 varchar not null,  -- 'data' or 'includes'
    item_no              integer not null,  -- 1-based position in data[] or includes.tweets[]
    tweet_id             varchar,
    author_id            varchar,
    author_username      varchar,           -- from includes.users / data[] users of the same page
    author_name          varchar,
    author_followers     bigint,
    created_at_utc       timestamp,
    text                 varchar,
    lang                 varchar,
    conversation_id      varchar,
    in_reply_to_user_id  varchar,
    replied_to_tweet_id  varchar,
    quoted_tweet_id      varchar,
    retweeted_tweet_id   varchar,
    mentioned_usernames  varchar[],         -- entities.mentions: finds the brand's mentions
    like_count           bigint,
    retweet_count        bigint,
    reply_count          bigint,
    quote_count          bigint,
    impression_count     bigint,            -- only in newer API responses
    primary key (file_path, line_no, part, item_no)
);

-- Every user object of every page: data[] of a user look-up and includes.users[].
create table if not exists raw.twitter_users (
    file_path        varchar not null,
    line_no          integer not null,
    part             varchar not null,
    item_no          integer not null,
    user_id          varchar,
    username         varchar,
    name             varchar,
    followers_count  bigint,
    following_count  bigint,
    tweet_count      bigint,
    listed_count     bigint,
    verified         boolean,
    protected        boolean,
    created_at_utc   timestamp,             -- account creation
    primary key (file_path, line_no, part, item_no)
);
"""

# The API writes `2021-09-22T16:37:29.000Z`; DuckDB's %z does not read a bare Z.
_UTC = (
    "timezone('UTC', try_strptime(regexp_replace({0}, 'Z$', '+0000'), "
    "['%Y-%m-%dT%H:%M:%S.%g%z', '%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z']))"
)

# A file that is one valid JSON document is one page whatever its line breaks (a
# pretty-printed .json, a one-line .jsonl); a .json never splits, so a damaged one is one
# rejected page rather than a rejected line per line of its formatting.
_PAGES_SQL = """
create or replace temp table _tw_pages as
with src as (
    select file_path,
           case when whole or json_valid(text) then [rtrim(text, chr(10) || chr(13))]
                else string_split(text, chr(10)) end as l
    from _tw_texts
),
lines as (
    select file_path, generate_subscripts(l, 1) as line_no, unnest(l) as raw_text,
           len(l) as n_lines
    from src
),
parsed as (
    select file_path, line_no,
           -- CRLF files: the CR is line-ending noise, not data
           case when raw_text like '%' || chr(13) then raw_text[:-2] else raw_text end as raw_text
    from lines
    where not (line_no = n_lines and raw_text = '')
),
typed as (select *, try_cast(raw_text as json) as j from parsed)
select file_path, line_no, raw_text, j,
       case
           when trim(raw_text) = '' then 'empty line'
           when j is null then
               'malformed JSON (' || length(raw_text) || ' chars) starting ' || to_json(left(raw_text, 60))
           when json_type(j) <> 'OBJECT' then 'not a Twitter API v2 page: a JSON ' || lower(json_type(j))
           when not list_has_any(json_keys(j), ['data', 'includes', 'errors', 'meta'])
               then 'not a Twitter API v2 page: no data, includes, errors or meta'
       end as reason
from typed
"""

# data[] is an array in search/lookup pages and a single object in stream pages; user
# look-ups put users in data[], so each item is told apart by its shape.
_ITEMS_SQL = """
create or replace temp table _tw_items as
with good as (select file_path, line_no, j from _tw_pages where reason is null),
lists as (
    select file_path, line_no, 'data' as part,
           case json_type(j -> 'data') when 'ARRAY' then json_extract(j, '$.data[*]')
                when 'OBJECT' then [j -> 'data'] else []::json[] end as items
    from good
    union all
    select file_path, line_no, 'includes:tweet', json_extract(j, '$.includes.tweets[*]') from good
    union all
    select file_path, line_no, 'includes:user', json_extract(j, '$.includes.users[*]') from good
),
flat as (
    select file_path, line_no, part, generate_subscripts(items, 1) as item_no, unnest(items) as item
    from lists
)
select file_path, line_no, split_part(part, ':', 1) as part, item_no, item,
       case when part = 'includes:user' then 'user'
            when part = 'includes:tweet' then 'tweet'
            when item ->> 'username' is not null and item ->> 'text' is null then 'user'
            else 'tweet' end as kind
from flat
"""

_REF = "list_filter(json_extract(t.item, '$.referenced_tweets[*]'), lambda r: r ->> 'type' = '{0}')[1] ->> 'id'"
_METRIC = "try_cast(t.item -> 'public_metrics' ->> '{0}' as bigint)"

_TWEETS_SQL = f"""
insert into raw.twitter_tweets
with page_users as (
    select file_path, line_no, item ->> 'id' as user_id, item ->> 'username' as username,
           item ->> 'name' as name,
           try_cast(item -> 'public_metrics' ->> 'followers_count' as bigint) as followers
    from _tw_items where kind = 'user'
    qualify row_number() over (partition by file_path, line_no, item ->> 'id' order by part, item_no) = 1
)
select t.file_path, t.line_no, t.part, t.item_no, t.item ->> 'id', t.item ->> 'author_id',
       u.username, u.name, u.followers, {_UTC.format("t.item ->> 'created_at'")},
       t.item ->> 'text', t.item ->> 'lang', t.item ->> 'conversation_id',
       t.item ->> 'in_reply_to_user_id',
       {_REF.format('replied_to')}, {_REF.format('quoted')}, {_REF.format('retweeted')},
       json_extract_string(t.item, '$.entities.mentions[*].username'),
       {_METRIC.format('like_count')}, {_METRIC.format('retweet_count')},
       {_METRIC.format('reply_count')}, {_METRIC.format('quote_count')},
       {_METRIC.format('impression_count')}
from _tw_items t
left join page_users u
    on u.file_path = t.file_path and u.line_no = t.line_no and u.user_id = t.item ->> 'author_id'
where t.kind = 'tweet'
"""

_USER_METRIC = "try_cast(item -> 'public_metrics' ->> '{0}' as bigint)"

_USERS_SQL = f"""
insert into raw.twitter_users
select file_path, line_no, part, item_no, item ->> 'id', item ->> 'username', item ->> 'name',
       {_USER_METRIC.format('followers_count')}, {_USER_METRIC.format('following_count')},
       {_USER_METRIC.format('tweet_count')}, {_USER_METRIC.format('listed_count')},
       try_cast(item ->> 'verified' as boolean), try_cast(item ->> 'protected' as boolean),
       {_UTC.format("item ->> 'created_at'")}
from _tw_items where kind = 'user'
"""

_PAGES_INSERT_SQL = f"""
insert into raw.twitter_pages
with counts as (
    select file_path, line_no,
           count(*) filter (where part = 'data' and kind = 'tweet') as data_tweets,
           count(*) filter (where part = 'data' and kind = 'user') as data_users,
           count(*) filter (where part = 'includes' and kind = 'tweet') as included_tweets,
           count(*) filter (where part = 'includes' and kind = 'user') as included_users
    from _tw_items group by all
)
select p.file_path, p.line_no, coalesce(c.data_tweets, 0), coalesce(c.data_users, 0),
       coalesce(c.included_tweets, 0), coalesce(c.included_users, 0),
       coalesce(json_array_length(p.j -> 'errors'), 0), (p.j -> 'errors')::varchar,
       try_cast(p.j -> 'meta' ->> 'result_count' as integer), p.j -> 'meta' ->> 'newest_id',
       p.j -> 'meta' ->> 'oldest_id', p.j -> 'meta' ->> 'next_token', p.j -> '__twarc' ->> 'url',
       {_UTC.format("p.j -> '__twarc' ->> 'retrieved_at'")}
from _tw_pages p left join counts c using (file_path, line_no)
where p.reason is null
"""

_QUARANTINE_SQL = """
insert into raw.quarantine
select $source, file_path, line_no, replace(raw_text, chr(0), '\\0'), reason, now()
from _tw_pages where reason is not null
"""

_COUNTS_SQL = """
select p.file_path, count(*), count(*) filter (where p.reason is null),
       count(*) filter (where p.reason is not null), min(t.first_utc), max(t.last_utc)
from _tw_pages p
left join (select file_path, line_no, min(created_at_utc) as first_utc, max(created_at_utc) as last_utc
           from raw.twitter_tweets where part = 'data' and list_contains($paths, file_path)
           group by all) t using (file_path, line_no)
group by p.file_path
"""

_SUFFIXES = (".jsonl", ".json", ".jsonl.gz", ".json.gz")


def is_twitter_file(path: Path) -> bool:
    """`social/twitter/**/*.jsonl` or `*.json` (gzipped too) under the landing folder."""
    parts = [p.lower() for p in path.parts[:-1]]
    in_folder = any(a == "social" and b == "twitter" for a, b in zip(parts, parts[1:], strict=False))
    return in_folder and path.name.lower().endswith(_SUFFIXES)


def layout_of(path: Path) -> str:
    """'json' (the file is one page) or 'jsonl' (one page a line), from the name."""
    return "json" if path.name.lower().removesuffix(".gz").endswith(".json") else "jsonl"


def parse_batch(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Source hook: every file of the batch in one set of statements. The caller owns the
    transaction and has already removed earlier rows of these files."""
    layouts = {p.file_path: layout_of(p.path) for p in batch}
    con.execute("create or replace temp table _tw_texts (file_path varchar, text varchar, whole boolean)")
    con.executemany("insert into _tw_texts values (?, ?, ?)",
                    [[p.file_path, p.text, layouts[p.file_path] == "json"] for p in batch])
    con.execute(_PAGES_SQL)
    con.execute(_ITEMS_SQL)
    for sql in (_TWEETS_SQL, _USERS_SQL, _PAGES_INSERT_SQL):
        con.execute(sql)
    con.execute(_QUARANTINE_SQL, {"source": SOURCE})
    paths = [p.file_path for p in batch]
    counts = con.execute(_COUNTS_SQL, {"paths": paths}).fetchall()
    for table in ("_tw_texts", "_tw_pages", "_tw_items"):
        con.execute(f"drop table if exists {table}")
    results = {path: ParseResult(layouts[path], 0, 0, 0) for path in paths}  # an empty file reads 0
    for path, read, loaded, rejected, first, last in counts:
        results[path] = ParseResult(layouts[path], read, loaded, rejected, first, last)
    return results


SOURCE_SPEC = Source(
    name=SOURCE,
    tables=("raw.twitter_pages", "raw.twitter_tweets", "raw.twitter_users"),
    ddl=DDL,
    matches=is_twitter_file,
    parse=parse_batch,
)
