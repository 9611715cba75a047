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
      interval, from the login in force (the agent's latest login on the line, read or
      inferred) to the interval's end (int_agent_state_segments.event_seq: the queue_log
      line that opens a segment; an inferred change reads none);
    - excluded unit: the row of the outage window that excluded it (the copy staging keeps).
    Rows that lost a deduplication (a copied line, an older export) are not named: the
    figure did not read them. A unit still pending, or a call whose end was never logged,
    is decided by where the data ends: sla_input_files names those files (closing role). -#}
with

units as (

    select * from {{ ref('fct_sla_units') }}

),

calls as (

    select * from {{ ref('fct_calls') }}

),

queue_events as (

    select * from {{ ref('stg_asterisk__queue_events') }}

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

segments as (

    select * from {{ ref('int_agent_state_segments') }}

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
        unit_key,
        interval_start
    from units

    union

    select
        line_code,
        date_trunc('month', entered_date)::date as report_month,
        'call' as unit_kind,
        call_key as unit_key,
        entered_interval_start as interval_start
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
        queue_events.file_path,
        'queue_event' as row_kind
    from unit_calls
    inner join queue_events
        on
            unit_calls.callid = queue_events.callid
            and unit_calls.queue_name = queue_events.queue_name
            and (
                (queue_events.event = 'ENTERQUEUE' and unit_calls.entered_at_utc = queue_events.event_time_utc)
                or (queue_events.event = 'CONNECT' and unit_calls.answered_at_local = queue_events.event_time_local)
                or (
                    unit_calls.end_event = queue_events.event
                    and unit_calls.ended_at_local = queue_events.event_time_local
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

agent_events as (

    select
        line_code,
        agent,
        opening_event,
        segment_start,
        segment_end,
        is_logged_in,
        segment_seconds,
        segment_seq,
        event_seq
    from segments

),

unit_intervals as (

    select
        line_code,
        report_month,
        unit_kind,
        unit_key,
        interval_start,
        interval_start + interval '{{ var("interval_minutes") }} minutes' as interval_end
    from month_units
    where unit_kind = 'interval'

),

-- every agent logged in at some moment of the interval, from the first such segment
logged_in as (

    select
        unit_intervals.line_code,
        unit_intervals.report_month,
        unit_intervals.unit_kind,
        unit_intervals.unit_key,
        unit_intervals.interval_end,
        agent_events.agent,
        min(agent_events.segment_seq) as first_seq
    from unit_intervals
    inner join agent_events
        on
            unit_intervals.line_code = agent_events.line_code
            and unit_intervals.interval_end > agent_events.segment_start
            and unit_intervals.interval_start < agent_events.segment_end
    where agent_events.is_logged_in and agent_events.segment_seconds > 0
    group by all

),

-- the login in force: the agent's latest login on the line at or before that segment
logins as (

    select
        logged_in.line_code,
        logged_in.unit_key,
        logged_in.agent,
        max(agent_events.segment_seq) as login_seq
    from logged_in
    inner join agent_events
        on
            logged_in.line_code = agent_events.line_code
            and logged_in.agent = agent_events.agent
            and logged_in.first_seq >= agent_events.segment_seq
    where agent_events.opening_event in ('ADDMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN', 'INFERRED_LOGIN')
    group by all

),

interval_events as (

    select distinct
        logged_in.line_code,
        logged_in.report_month,
        logged_in.unit_kind,
        logged_in.unit_key,
        agent_events.event_seq
    from logged_in
    left join logins
        on
            logged_in.line_code = logins.line_code
            and logged_in.unit_key = logins.unit_key
            and logged_in.agent = logins.agent
    inner join agent_events
        on
            logged_in.line_code = agent_events.line_code
            and logged_in.agent = agent_events.agent
            and coalesce(logins.login_seq, 0) <= agent_events.segment_seq
            and logged_in.interval_end > agent_events.segment_start
    where agent_events.event_seq is not null

),

interval_files as (

    select
        interval_events.line_code,
        interval_events.report_month,
        interval_events.unit_kind,
        interval_events.unit_key,
        queue_events.file_path,
        'agent_event' as row_kind
    from interval_events
    inner join queue_events on interval_events.event_seq = queue_events.event_seq

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
        file_path,
        row_kind
    from unioned

)

select * from final
