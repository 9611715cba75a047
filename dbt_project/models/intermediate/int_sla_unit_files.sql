{#- One row per SLA unit of fct_sla_units (line, month, unit), or queued call of the month
    (it counts in the lost-record share that decides certifiability), and landing file
    holding a row its figure or state was computed from, with the kind of row. The audit
    report's inputs fingerprint (sla_input_files) names these files, so each row here must
    be one the unit's numerator, denominator, state or exclusion actually read:
    - queue_log call: its ENTERQUEUE, its answering CONNECT and its ending event (which can
      sit in the next day's file); call-detail call: its row; outbound attempt: its CDR record;
    - CRM case / OTRS ticket: the row staging keeps (same winner rule as stg_crm__cases /
      stg_otrs__tickets), and every OTRS history entry of the ticket;
    - social post: the row staging keeps, the author's user rows when the post carries no
      follower count, and every brand reply to it (the first sets its first response; all
      of them come off its engagement, hence its tier and target);
    - staffed interval: the member and pause events of every agent logged in during the
      interval, from the login in force to the interval's end (int_sla_interval_files);
    - excluded unit: the row of the outage window that excluded it (the copy staging keeps).
    Rows that lost a deduplication (a copied line, an older export) are not named: the
    figure did not read them. A unit still pending, or a call whose end was never logged,
    is decided by where the data ends: sla_input_files names those files (closing role).
    Incremental (macros/rebuild_days.sql), by kind of unit:
    - calls (units and queued calls) by entered_date, the day the call entered: their rows
      come from the call's fct_calls and fct_sla_units rows of that day, its own events (on
      that day or the next: a queue call lasts less than a day, int_queue_calls), its
      call-detail or CDR row (on that day) and the outage window holding its entry; so they
      reach as far as fct_sla_units' call units do (assert_reach_covers checks it).
    - cases, posts and staffed intervals are rebuilt whole on every run (rebuild_always), as
      their units are in fct_sla_units (a case's rows change with every export that updates
      it, months after it counts); entered_date is null on their rows. -#}
{%- set reach = sla_call_reach() %}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='entered_date',
    rebuild_before=reach.before,
    rebuild_after=reach.after,
    rebuild_sources=reach.sources,
    rebuild_always="unit_kind <> 'call'",
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
{{- assert_reach_covers(['fct_calls', 'fct_sla_units']) }}
with

units as (

    select * from {{ ref('fct_sla_units') }}
    where unit_kind <> 'call' or {{ in_rebuild_days('report_date') }}

),

calls as (

    select * from {{ ref('fct_calls') }}
    where {{ in_rebuild_days('entered_date') }}

),

-- the events of the calls rebuilt: a call's events lie on the day it entered or the next
call_events as (

    select * from {{ ref('stg_asterisk__queue_events') }}
    where {{ in_rebuild_days(
        'cast(event_time_local as date)', after=reach.after + 1, range_column='event_time_local'
    ) }}

),

call_detail_rows as (

    select * from {{ source('raw', 'call_detail') }}

),

cdr_rows as (

    select * from {{ source('raw', 'asterisk_cdr') }}

),

crm_rows as (

    select * from {{ source('raw', 'crm_cases') }}

),

otrs_rows as (

    select * from {{ source('raw', 'otrs_tickets') }}

),

otrs_history as (

    select * from {{ source('raw', 'otrs_history') }}

),

interactions as (

    select * from {{ ref('fct_social_interactions') }}

),

tweets as (

    select * from {{ ref('stg_twitter__tweets') }}

),

tweet_rows as (

    select * from {{ source('raw', 'twitter_tweets') }}

),

twitter_users as (

    select * from {{ source('raw', 'twitter_users') }}

),

comments as (

    select * from {{ ref('stg_facebook__comments') }}

),

comment_rows as (

    select * from {{ source('raw', 'facebook_comments') }}

),

interval_agent_files as (

    select * from {{ ref('int_sla_interval_files') }}

),

outage_rows as (

    select * from {{ source('raw', 'outages') }}

),

manifest as (

    select * from {{ source('raw', 'landing_files') }}

),

-- every queued call of the month counts in the lost-record share, unit or not
month_units as (

    select distinct
        line_code,
        report_month,
        unit_kind,
        unit_key
    from units

    union

    select
        line_code,
        date_trunc('month', entered_date)::date as report_month,
        'call' as unit_kind,
        call_key as unit_key
    from calls
    where direction = 'inbound'

),

-- ---------------------------------------------------------------- calls

unit_calls as (

    select
        month_units.line_code,
        month_units.report_month,
        month_units.unit_kind,
        month_units.unit_key,
        calls.entered_date,
        calls.source_system,
        calls.callid,
        calls.queue_name,
        calls.entered_at_utc,
        calls.answered_at_local,
        calls.ended_at_local,
        calls.end_event
    from month_units
    inner join calls on month_units.unit_key = calls.call_key
    where month_units.unit_kind = 'call'

),

queue_call_files as (

    select
        unit_calls.line_code,
        unit_calls.report_month,
        unit_calls.unit_kind,
        unit_calls.unit_key,
        unit_calls.entered_date,
        call_events.file_path,
        'queue_event' as row_kind
    from unit_calls
    inner join call_events
        on
            unit_calls.callid = call_events.callid
            and unit_calls.queue_name = call_events.queue_name
            and (
                (call_events.event = 'ENTERQUEUE' and unit_calls.entered_at_utc = call_events.event_time_utc)
                or (call_events.event = 'CONNECT' and unit_calls.answered_at_local = call_events.event_time_local)
                or (
                    unit_calls.end_event = call_events.event
                    and unit_calls.ended_at_local = call_events.event_time_local
                )
            )
    where unit_calls.source_system = 'asterisk_queue_log'

),

detail_call_files as (

    select
        unit_calls.line_code,
        unit_calls.report_month,
        unit_calls.unit_kind,
        unit_calls.unit_key,
        unit_calls.entered_date,
        call_detail_rows.file_path,
        'call_detail' as row_kind
    from unit_calls
    inner join call_detail_rows
        on
            unit_calls.unit_key
            = call_detail_rows.mapping || ':' || call_detail_rows.file_path || ':' || call_detail_rows.call_id
    where unit_calls.source_system like 'call_detail:%'

),

cdr_keys as (

    select
        file_path,
        'out:' || coalesce(uniqueid, file_path || ':' || line_no) || ':' || file_path || ':' || line_no
            as call_key
    from cdr_rows

),

outbound_call_files as (

    select
        unit_calls.line_code,
        unit_calls.report_month,
        unit_calls.unit_kind,
        unit_calls.unit_key,
        unit_calls.entered_date,
        cdr_keys.file_path,
        'cdr_record' as row_kind
    from unit_calls
    inner join cdr_keys on unit_calls.unit_key = cdr_keys.call_key
    where unit_calls.source_system = 'asterisk_cdr'

),

-- ---------------------------------------------------------------- cases

crm_kept as (

    select
        'crm:' || case_id as case_key,
        file_path
    from crm_rows
    qualify row_number() over (partition by case_id order by file_path desc, line_no desc) = 1

),

otrs_kept as (

    select
        'otrs:' || ticket_id as case_key,
        file_path
    from otrs_rows
    qualify row_number() over (partition by ticket_id order by changed_at_utc desc nulls last, file_path desc) = 1

),

case_rows as (

    select
        case_key,
        file_path,
        'crm_case' as row_kind
    from crm_kept
    union all
    select
        case_key,
        file_path,
        'otrs_ticket' as row_kind
    from otrs_kept
    union all
    select distinct
        'otrs:' || ticket_id as case_key,
        file_path,
        'otrs_history' as row_kind
    from otrs_history

),

case_files as (

    select
        month_units.line_code,
        month_units.report_month,
        month_units.unit_kind,
        month_units.unit_key,
        null::date as entered_date,
        case_rows.file_path,
        case_rows.row_kind
    from month_units
    inner join case_rows on month_units.unit_key = case_rows.case_key
    where month_units.unit_kind = 'case'

),

-- ---------------------------------------------------------------- social

tweets_kept as (

    select
        tweet_id,
        author_id,
        author_followers,
        file_path
    from tweet_rows
    where tweet_id is not null and created_at_utc is not null
    qualify row_number() over (partition by tweet_id order by file_path desc, line_no desc, item_no desc) = 1

),

comments_kept as (

    select
        comment_id,
        file_path
    from comment_rows
    where comment_id is not null and created_at_utc is not null
    qualify row_number() over (partition by comment_id order by file_path desc, record_no desc) = 1

),

unit_interactions as (

    select
        month_units.line_code,
        month_units.report_month,
        month_units.unit_kind,
        month_units.unit_key,
        interactions.platform,
        interactions.source_id
    from month_units
    inner join interactions on month_units.unit_key = interactions.interaction_key
    where month_units.unit_kind = 'interaction'

),

-- every brand reply to the post: the first is its first response, all come off its engagement
brand_replies as (

    select
        unit_interactions.unit_key,
        tweets.tweet_id as reply_id
    from unit_interactions
    inner join tweets on unit_interactions.source_id = tweets.replied_to_tweet_id
    where unit_interactions.platform = 'twitter' and tweets.is_brand

    union all

    select
        unit_interactions.unit_key,
        comments.comment_id as reply_id
    from unit_interactions
    inner join comments on unit_interactions.source_id = comments.parent_id
    where unit_interactions.platform = 'facebook' and comments.is_brand

),

-- a post without a follower count takes its author's highest count from the user rows
follower_rows as (

    select
        tweets_kept.tweet_id,
        twitter_users.file_path
    from tweets_kept
    inner join twitter_users on tweets_kept.author_id = twitter_users.user_id
    where tweets_kept.author_followers is null
    qualify twitter_users.followers_count = max(twitter_users.followers_count) over (partition by tweets_kept.tweet_id)

),

social_files as (

    select
        unit_interactions.line_code,
        unit_interactions.report_month,
        unit_interactions.unit_kind,
        unit_interactions.unit_key,
        null::date as entered_date,
        tweets_kept.file_path,
        'tweet' as row_kind
    from unit_interactions
    inner join tweets_kept on unit_interactions.source_id = tweets_kept.tweet_id
    where unit_interactions.platform = 'twitter'

    union all

    select
        unit_interactions.line_code,
        unit_interactions.report_month,
        unit_interactions.unit_kind,
        unit_interactions.unit_key,
        null::date as entered_date,
        follower_rows.file_path,
        'twitter_user' as row_kind
    from unit_interactions
    inner join follower_rows on unit_interactions.source_id = follower_rows.tweet_id
    where unit_interactions.platform = 'twitter'

    union all

    select
        unit_interactions.line_code,
        unit_interactions.report_month,
        unit_interactions.unit_kind,
        unit_interactions.unit_key,
        null::date as entered_date,
        comments_kept.file_path,
        'facebook_comment' as row_kind
    from unit_interactions
    inner join comments_kept on unit_interactions.source_id = comments_kept.comment_id
    where unit_interactions.platform = 'facebook'

    union all

    select
        unit_interactions.line_code,
        unit_interactions.report_month,
        unit_interactions.unit_kind,
        unit_interactions.unit_key,
        null::date as entered_date,
        coalesce(tweets_kept.file_path, comments_kept.file_path) as file_path,
        'brand_reply' as row_kind
    from unit_interactions
    inner join brand_replies on unit_interactions.unit_key = brand_replies.unit_key
    left join tweets_kept
        on unit_interactions.platform = 'twitter' and brand_replies.reply_id = tweets_kept.tweet_id
    left join comments_kept
        on unit_interactions.platform = 'facebook' and brand_replies.reply_id = comments_kept.comment_id

),

-- ---------------------------------------------------------------- staffed intervals

interval_files as (

    select
        line_code,
        report_month,
        'interval' as unit_kind,
        unit_key,
        null::date as entered_date,
        file_path,
        'agent_event' as row_kind
    from interval_agent_files

),

-- ---------------------------------------------------------------- exclusions

-- a re-issued window: the row staging keeps (stg_noc__outages), the file modified last
outages_kept as (

    select
        outage_rows.outage_id,
        outage_rows.file_path
    from outage_rows
    left join manifest on outage_rows.file_path = manifest.file_path
    qualify row_number() over (
        partition by outage_rows.outage_id
        order by manifest.modified_at desc nulls last, outage_rows.file_path desc, outage_rows.line_no desc
    ) = 1

),

outage_files as (

    select distinct
        units.line_code,
        units.report_month,
        units.unit_kind,
        units.unit_key,
        case when units.unit_kind = 'call' then units.report_date end as entered_date,
        outages_kept.file_path,
        'outage' as row_kind
    from units
    inner join outages_kept on units.outage_id = outages_kept.outage_id

),

unioned as (

    select * from queue_call_files
    union all
    select * from detail_call_files
    union all
    select * from outbound_call_files
    union all
    select * from case_files
    union all
    select * from social_files
    union all
    select * from interval_files
    union all
    select * from outage_files

),

final as (

    select distinct
        line_code || '|' || strftime(report_month, '%Y-%m') || '|' || unit_kind || '|' || unit_key
        || '|' || file_path || '|' || row_kind as unit_file_key,
        line_code,
        report_month,
        unit_kind,
        unit_key,
        entered_date,
        file_path,
        row_kind
    from unioned
    where unit_kind <> 'call' or {{ in_rebuild_days('entered_date') }}

)

select * from final
