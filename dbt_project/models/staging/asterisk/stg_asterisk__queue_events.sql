{#- One row per distinct queue_log event, with local time and typed identity columns.
    A rotated file and the live file it came from can both sit in the landing folder;
    an identical line seen twice is one event, the copy in the first file wins. A withheld
    caller id (measurement.withheld_caller_ids: anonymous, empty, Restricted...) names no
    caller: no caller key, so withheld calls are never one caller's repeats.
    Incremental by local day (macros/rebuild_days.sql) with no reach: an event's row depends
    only on the lines of its own second (duplicates share their time; event_seq orders a
    second's events), so a day is rebuilt from that day's lines alone. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='cast(event_time_local as date)',
    rebuild_sources=["asterisk_queue_log"],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
with

source as (

    select * from {{ source('raw', 'asterisk_queue_log') }}
    where {{ in_rebuild_days(
        'cast(' ~ to_local('event_time_utc') ~ ' as date)', range_column='event_time_utc', margin_days=1
    ) }}

),

withheld as (

    select * from {{ ref('stg_contract__withheld_callers') }}

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by event_time_utc, callid, queuename, agent, event, data
        order by file_path, line_no
    ) = 1

),

final as (

    select
        file_path || ':' || line_no as event_id,
        file_path,
        line_no,
        event_time_utc,
        {{ to_local('event_time_utc') }} as event_time_local,
        -- one total order: time, then file, then line. The second's epoch times a million
        -- plus the rank within the second, so a day's numbers never depend on other days
        epoch(date_trunc('second', event_time_utc))::bigint * 1000000
        + row_number() over (
            partition by date_trunc('second', event_time_utc) order by event_time_utc, file_path, line_no
        ) as event_seq,
        nullif(callid, '') as callid,
        nullif(queuename, '') as queue_name,
        nullif(agent, '') as agent,
        event,
        data1,
        -- ENTERQUEUE data2/data4 are the caller's number and name: only a pseudonym
        -- of the number leaves the raw schema
        case when event = 'ENTERQUEUE' then null else data2 end as data2,
        data3,
        case when event = 'ENTERQUEUE' then null else data4 end as data4,
        data5,
        data6,
        case
            when event = 'ENTERQUEUE' and lower(trim(data2)) not in (select withheld.caller_id from withheld)
                then {{ pseudonymize('data2') }}
        end as caller_key,
        is_known_event
    from deduplicated

)

select * from final
