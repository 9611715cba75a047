"""Facebook Graph API responses into raw.facebook_posts, raw.facebook_comments,
raw.facebook_messages and raw.facebook_conversations.

A file under `social/facebook/` holds one Graph API response, in one of three shapes:
a page (`data[]` and `paging`), an id-keyed batch look-up (`{"<id>": {...}, ...}`) or a
single object. Its records are the objects of `data[]`, the values of the batch or the
single object, plus the objects nested in their `comments{data[]}` and `messages{data[]}`
edges, numbered in document order; each record is loaded into the table of its kind or
quarantined. A file that is not JSON, is a Graph error response or is not an object is
one rejected record (record_no 0). See docs/formats/social.md.

Everything is parsed in DuckDB, nesting included (a recursive CTE over the edges).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.sources import ParseResult, PendingFile, Source

SOURCE = "facebook_graph"

DDL = """
create schema if not exists raw;

create table if not exists raw.facebook_posts (
    file_path        varchar not null,
    record_no        integer not null,     -- 1-based, document order within the file
    post_id          varchar not null,     -- '<page id>_<post id>'
    id_source        varchar not null,     -- 'id', 'batch_key' or 'permalink_url'
    page_id          varchar,
    from_id          varchar,
    from_name        varchar,
    created_at_utc   timestamp not null,
    updated_at_utc   timestamp,
    message          varchar,
    permalink_url    varchar,
    status_type      varchar,
    shares_count     bigint,
    reactions_count  bigint,               -- reactions.summary.total_count, when asked for
    likes_count      bigint,               -- likes.summary.total_count, when asked for
    comment_count    bigint,               -- comments.summary.total_count, when asked for
    is_hidden        boolean,
    primary key (file_path, record_no)
);

create table if not exists raw.facebook_comments (
    file_path            varchar not null,
    record_no            integer not null,
    comment_id           varchar not null,  -- '<post object id>_<comment id>'
    id_source            varchar not null,  -- 'id', 'batch_key' or 'permalink_url'
    post_id              varchar,           -- '<page id>_<post id>': the enclosing post or the permalink
    parent_id            varchar,           -- the comment this one replies to
    from_id              varchar,           -- personal data: raw only
    from_name            varchar,           -- personal data: raw only
    created_at_utc       timestamp not null,
    message              varchar,
    permalink_url        varchar,
    like_count           bigint,
    comment_count        bigint,            -- replies
    is_hidden            boolean,
    can_hide             boolean,
    is_private           boolean,
    can_reply_privately  boolean,
    attachment_type      varchar,
    primary key (file_path, record_no)
);

create table if not exists raw.facebook_messages (
    file_path         varchar not null,
    record_no         integer not null,
    message_id        varchar not null,
    conversation_id   varchar,              -- when nested in a conversation's messages edge
    from_id           varchar,              -- personal data: raw only
    from_name         varchar,
    from_email        varchar,
    to_ids            varchar[],
    created_at_utc    timestamp not null,
    message           varchar,
    tags              varchar[],            -- e.g. inbox, source:mobile
    attachment_count  integer,
    primary key (file_path, record_no)
);

create table if not exists raw.facebook_conversations (
    file_path        varchar not null,
    record_no        integer not null,
    conversation_id  varchar not null,
    link             varchar,
    updated_at_utc   timestamp not null,
    message_count    bigint,
    unread_count     bigint,
    snippet          varchar,
    participant_ids  varchar[],
    primary key (file_path, record_no)
);
"""

# Graph objects are told apart by shape: the API does not say what it returned. Comment
# fields that posts lack, inbox id prefixes (m_ message, t_ thread) and the edge a nested
# record came from decide.
_MACROS_SQL = r"""
create or replace temp macro _fb_kind(rec, edge) as case
    when edge = 'messages' or starts_with(rec ->> 'id', 'm_') then 'message'
    when edge = 'comments' or list_has_any(json_keys(rec), ['like_count', 'comment_count', 'can_hide', 'parent'])
         or regexp_matches(rec ->> 'permalink_url', '[?&]comment_id=') then 'comment'
    when starts_with(rec ->> 'id', 't_') or (rec -> 'message_count') is not null then 'conversation'
    else 'post' end;

-- Pages of comments asked without `id` still carry it in the permalink:
-- facebook.com/<page>/posts/<post>/?comment_id=<c>[&reply_comment_id=<r>] is comment
-- <post>_<c> (or reply <post>_<r>) of post <page>_<post>, as the API spells those ids.
create or replace temp macro _fb_url_part(url, re) as nullif(regexp_extract(url, re, 1), '');
create or replace temp macro _fb_url_post(url) as
    _fb_url_part(url, 'facebook\.com/([0-9]+)/posts/') || '_' || _fb_url_part(url, '/posts/([0-9]+)');
create or replace temp macro _fb_url_comment(url) as
    _fb_url_part(url, '/posts/([0-9]+)') || '_'
    || coalesce(_fb_url_part(url, '[?&]reply_comment_id=([0-9]+)'), _fb_url_part(url, '[?&]comment_id=([0-9]+)'));
create or replace temp macro _fb_url_parent(url) as
    case when _fb_url_part(url, '[?&]reply_comment_id=([0-9]+)') is not null then
        _fb_url_part(url, '/posts/([0-9]+)') || '_' || _fb_url_part(url, '[?&]comment_id=([0-9]+)') end;

create or replace temp macro _fb_id(rec, batch_key, kind) as coalesce(
    rec ->> 'id', batch_key,
    case kind when 'comment' then _fb_url_comment(rec ->> 'permalink_url')
              when 'post' then _fb_url_post(rec ->> 'permalink_url') end);

-- created_time like 2021-08-10T18:45:03+0000 (no colon in the offset), or epoch seconds
-- when the request asked for date_format=U.
create or replace temp macro _fb_utc(t) as timezone('UTC', case
    when json_type(t) in ('UBIGINT', 'BIGINT') then to_timestamp(t::bigint)
    else try_strptime(t ->> '$', ['%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%dT%H:%M:%S.%f%z']) end);
"""

_DOCS_SQL = """
create or replace temp table _fb_docs as
with typed as (select file_path, text, try_cast(text as json) as j from _fb_texts)
select file_path, text, j,
       case
           when j is null or json_type(j) <> 'OBJECT' then null
           when json_type(j -> 'data') = 'ARRAY' then 'page'
           when (j -> 'id') is null and (j -> 'error') is null and (j -> 'data') is null
                and list_bool_and(list_transform(json_keys(j), lambda k: json_type(j -> k) = 'OBJECT'))
                then 'batch'
           when (j -> 'error') is null then 'object'
       end as shape,
       case
           when j is null then
               'malformed JSON (' || length(text) || ' chars) starting ' || to_json(left(text, 60))
           when json_type(j) <> 'OBJECT' then 'not a Graph API response: a JSON ' || lower(json_type(j))
           when (j -> 'error') is not null then 'Graph API error response: ' || coalesce(
               '(#' || (j -> 'error' ->> 'code') || ') ', '') || coalesce(j -> 'error' ->> 'message', '')
       end as reason
from typed
"""

_RECORDS_SQL = """
create or replace temp table _fb_records as
with recursive
top as (
    select file_path, 'data' as edge, null::varchar as batch_key,
           generate_subscripts(items, 1) as n, unnest(items) as rec
    from (select file_path, json_extract(j, '$.data[*]') as items from _fb_docs where shape = 'page')
    union all
    select file_path, 'batch', batch_key, n, j -> batch_key
    from (select file_path, j, generate_subscripts(json_keys(j), 1) as n, unnest(json_keys(j)) as batch_key
          from _fb_docs where shape = 'batch')
    union all
    select file_path, 'object', null, 1, j from _fb_docs where shape = 'object'
),
recs(file_path, path, edge, batch_key, parent_id, parent_kind, post_id, rec, kind) as (
    select file_path, [n], edge, batch_key, null::varchar, null::varchar,
           case _fb_kind(rec, edge) when 'post' then _fb_id(rec, batch_key, 'post')
                when 'comment' then _fb_url_post(rec ->> 'permalink_url') end,
           rec, _fb_kind(rec, edge)
    from top
    union all
    select r.file_path, list_append(r.path, c.k), c.edge, null, r.id, r.kind,
           coalesce(r.post_id, _fb_url_post(c.rec ->> 'permalink_url')), c.rec, _fb_kind(c.rec, c.edge)
    -- the parent's id and children taken out before the unnest: carrying the parent's JSON to
    -- every child row cost (children x parent size), 80 MB of memory per day of a busy page
    from (select file_path, path, kind, post_id, _fb_id(rec, batch_key, kind) as id,
                 list_concat(
                     list_transform(coalesce(json_extract(rec, '$.comments.data[*]'), []::json[]),
                                    lambda x, i: {'edge': 'comments', 'k': i, 'rec': x}),
                     -- after the comments, whatever their number
                     list_transform(coalesce(json_extract(rec, '$.messages.data[*]'), []::json[]),
                                    lambda x, i: {'edge': 'messages', 'k': 1000000000 + i, 'rec': x}))
                 as children
          from recs) r, unnest(r.children) as u(c)
),
timed as (
    select *, _fb_id(rec, batch_key, kind) as id,
           case when rec ->> 'id' is not null then 'id' when batch_key is not null then 'batch_key'
                else 'permalink_url' end as id_source,
           case kind when 'conversation' then 'updated_time' else 'created_time' end as time_field,
           rec -> case kind when 'conversation' then 'updated_time' else 'created_time' end as time_json
    from recs
)
select file_path, row_number() over (partition by file_path order by path) as record_no, *,
       _fb_utc(time_json) as time_utc,
       case
           when json_type(rec) <> 'OBJECT' then 'record is not a JSON object: a JSON ' || lower(json_type(rec))
           when id is null then kind || ' without id'
           when time_json is null or json_type(time_json) = 'NULL' then kind || ' without ' || time_field
           when _fb_utc(time_json) is null then
               kind || ' ' || time_field || ' is not a timestamp: ' || time_json::varchar
       end as reason
from timed
"""

_BOOL = "try_cast(rec ->> '{0}' as boolean)"
_INT = "try_cast(rec ->> '{0}' as bigint)"

_INSERTS_SQL = (
    f"""
    insert into raw.facebook_posts
    select file_path, record_no, id, id_source,
           case when regexp_matches(id, '^[0-9]+_[0-9]+$') then split_part(id, '_', 1) end,
           rec -> 'from' ->> 'id', rec -> 'from' ->> 'name', time_utc, _fb_utc(rec -> 'updated_time'),
           rec ->> 'message', rec ->> 'permalink_url', rec ->> 'status_type',
           try_cast(rec -> 'shares' ->> 'count' as bigint),
           try_cast(rec -> 'reactions' -> 'summary' ->> 'total_count' as bigint),
           try_cast(rec -> 'likes' -> 'summary' ->> 'total_count' as bigint),
           try_cast(rec -> 'comments' -> 'summary' ->> 'total_count' as bigint),
           {_BOOL.format('is_hidden')}
    from _fb_records where reason is null and kind = 'post'
    """,
    f"""
    insert into raw.facebook_comments
    select file_path, record_no, id, id_source, post_id,
           coalesce(rec -> 'parent' ->> 'id', case when parent_kind = 'comment' then parent_id end,
                    _fb_url_parent(rec ->> 'permalink_url')),
           rec -> 'from' ->> 'id', rec -> 'from' ->> 'name', time_utc, rec ->> 'message',
           rec ->> 'permalink_url', {_INT.format('like_count')}, {_INT.format('comment_count')},
           {_BOOL.format('is_hidden')}, {_BOOL.format('can_hide')}, {_BOOL.format('is_private')},
           {_BOOL.format('can_reply_privately')}, rec -> 'attachment' ->> 'type'
    from _fb_records where reason is null and kind = 'comment'
    """,
    """
    insert into raw.facebook_messages
    select file_path, record_no, id, case when parent_kind = 'conversation' then parent_id end,
           rec -> 'from' ->> 'id', rec -> 'from' ->> 'name', rec -> 'from' ->> 'email',
           json_extract_string(rec, '$.to.data[*].id'), time_utc, rec ->> 'message',
           json_extract_string(rec, '$.tags.data[*].name'),
           coalesce(json_array_length(rec -> 'attachments' -> 'data'), 0)
    from _fb_records where reason is null and kind = 'message'
    """,
    f"""
    insert into raw.facebook_conversations
    select file_path, record_no, id, rec ->> 'link', time_utc, {_INT.format('message_count')},
           {_INT.format('unread_count')}, rec ->> 'snippet',
           json_extract_string(rec, '$.participants.data[*].id')
    from _fb_records where reason is null and kind = 'conversation'
    """,
)

# A rejected file is kept in quarantine up to this many characters: the file itself stays
# in the landing folder.
MAX_QUARANTINED_FILE_CHARS = 4000

_QUARANTINE_SQL = f"""
insert into raw.quarantine
select $source, file_path, 0, replace(left(text, {MAX_QUARANTINED_FILE_CHARS}), chr(0), '\\0'), reason, now()
from _fb_docs where reason is not null
union all
select $source, file_path, record_no, rec::varchar, reason, now()
from _fb_records where reason is not null
"""

_COUNTS_SQL = """
select d.file_path, coalesce(d.shape, 'rejected'),
       case when d.reason is null then count(r.record_no) else 1 end,
       count(r.record_no) filter (where r.reason is null),
       case when d.reason is null then count(r.record_no) filter (where r.reason is not null) else 1 end,
       min(r.time_utc) filter (where r.reason is null), max(r.time_utc) filter (where r.reason is null)
from _fb_docs d left join _fb_records r using (file_path)
group by d.file_path, d.shape, d.reason
"""

_SUFFIXES = (".json", ".json.gz")


def is_facebook_file(path: Path) -> bool:
    """`social/facebook/**/*.json` (gzipped too) under the landing folder."""
    parts = [p.lower() for p in path.parts[:-1]]
    in_folder = any(a == "social" and b == "facebook" for a, b in zip(parts, parts[1:], strict=False))
    return in_folder and path.name.lower().endswith(_SUFFIXES)


def parse_batch(con: duckdb.DuckDBPyConnection, batch: list[PendingFile], options: dict) -> dict[str, ParseResult]:
    """Source hook: every file of the batch in one set of statements. The caller owns the
    transaction and has already removed earlier rows of these files."""
    con.execute(_MACROS_SQL)
    con.execute("create or replace temp table _fb_texts (file_path varchar, text varchar)")
    con.executemany("insert into _fb_texts values (?, ?)", [[p.file_path, p.text] for p in batch])
    con.execute(_DOCS_SQL)
    con.execute(_RECORDS_SQL)
    for sql in _INSERTS_SQL:
        con.execute(sql)
    con.execute(_QUARANTINE_SQL, {"source": SOURCE})
    counts = con.execute(_COUNTS_SQL).fetchall()
    for table in ("_fb_texts", "_fb_docs", "_fb_records"):
        con.execute(f"drop table if exists {table}")
    return {path: ParseResult(layout, read, loaded, rejected, first, last)
            for path, layout, read, loaded, rejected, first, last in counts}


SOURCE_SPEC = Source(
    name=SOURCE,
    tables=("raw.facebook_posts", "raw.facebook_comments", "raw.facebook_messages", "raw.facebook_conversations"),
    ddl=DDL,
    matches=is_facebook_file,
    parse=parse_batch,
)
