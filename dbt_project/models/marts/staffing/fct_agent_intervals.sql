{#- Per line, agent and interval: seconds logged in, paused and talking. Time-based measures
    are split across the intervals they cover (DESIGN.md §5 counting rule). A call's talk
    counts up to the end of the day after it entered the queue: a queue call lasts less than
    a day (fct_calls), a talk time that claims more is cut there.
    Incremental by report_date (macros/rebuild_days.sql). A day's intervals are made of the
    logged-in segments that start that day or up to the longest shift before (a membership
    lasts no longer) and of the talk of the calls entered that day or the day before; so a
    changed day reaches the days int_agent_state_segments' rows reach, and up to the longest
    shift's days after them, and the days fct_calls' rows reach, and one day after them. -#}
{%- set shift_days = longest_shift_days() %}
{%- set reach_before, reach_after = agent_intervals_reach() %}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='report_date',
    rebuild_before=reach_before,
    rebuild_after=reach_after,
    rebuild_sources=['asterisk_queue_log', 'asterisk_cdr', 'call_detail'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
{{ assert_reach_covers(['int_agent_state_segments'], lag_before=shift_days) }}
{{ assert_reach_covers(['fct_calls'], lag_before=1) }}
with

segments as (

    select * from {{ ref('int_agent_state_segments') }}
    where
        is_logged_in and segment_seconds > 0
        and {{ in_rebuild_days('cast(segment_start as date)', before=reach_before + shift_days, after=reach_after) }}

),

calls as (

    select * from {{ ref('fct_calls') }}
    where
        is_answered and talk_seconds > 0 and agent is not null
        and {{ in_rebuild_days('entered_date', before=reach_before + 1, after=reach_after) }}

),

segment_intervals as (

    select
        line_code,
        agent,
        bucket as interval_start,
        {{ overlap_seconds('segment_start', 'segment_end', 'bucket') }} as logged_in_seconds,
        case
            when is_paused
                then {{ overlap_seconds('segment_start', 'segment_end', 'bucket') }}
            else 0
        end
            as paused_seconds,
        0.0 as talking_seconds,
        0 as calls_answered
    from segments,
        unnest(generate_series(
            {{ interval_start('segment_start') }},
            segment_end,
            interval '{{ var("interval_minutes") }} minutes'
        )) as t (bucket)
    where bucket < segment_end

),

talk_intervals as (

    select
        line_code,
        agent,
        bucket as interval_start,
        0.0 as logged_in_seconds,
        0.0 as paused_seconds,
        {{ overlap_seconds('talk_start', 'talk_end', 'bucket') }} as talking_seconds,
        case when bucket = {{ interval_start('talk_start') }} then 1 else 0 end as calls_answered
    from (
        select
            line_code,
            agent,
            answered_at_local as talk_start,
            least(answered_at_local + to_seconds(talk_seconds), cast(entered_date + 2 as timestamp)) as talk_end
        from calls
    ) as talks,
        unnest(generate_series(
            {{ interval_start('talk_start') }},
            talk_end,
            interval '{{ var("interval_minutes") }} minutes'
        )) as t (bucket)
    where bucket < talk_end

),

combined as (

    select * from (
        select * from segment_intervals
        union all
        select * from talk_intervals
    ) as parts
    where {{ in_rebuild_days('cast(interval_start as date)') }}

),

final as (

    select
        line_code || '|' || agent || '|' || strftime(interval_start, '%Y-%m-%dT%H:%M') as agent_interval_key,
        line_code,
        agent,
        interval_start,
        cast(interval_start as date) as report_date,
        {{ exact_sum('logged_in_seconds') }} as logged_in_seconds,
        {{ exact_sum('paused_seconds') }} as paused_seconds,
        {{ exact_sum('logged_in_seconds') }} - {{ exact_sum('paused_seconds') }} as available_seconds,
        {{ exact_sum('talking_seconds') }} as talking_seconds,
        cast(sum(calls_answered) as bigint) as calls_answered
    from combined
    group by line_code, agent, interval_start

)

select * from final
