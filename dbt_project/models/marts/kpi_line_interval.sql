{#- The inbound KPIs of DESIGN.md §5 per line and 30-minute interval (local time), on a full
    grid: every interval of every day in the log is present, zero when nothing happened.
    Ratios are null when their denominator is zero. -#}
with

calls as (

    select * from {{ ref('fct_calls') }}

),

agent_intervals as (

    select * from {{ ref('fct_agent_intervals') }}

),

lines as (

    select * from {{ ref('dim_lines') }}
    where direction = 'inbound'

),

events as (

    select * from {{ ref('stg_asterisk__queue_events') }}

),

reported_lines as (

    select * from lines
    where
        queue_count > 0
        or line_code in (select calls.line_code from calls)
        or line_code in (select agent_intervals.line_code from agent_intervals)

),

day_range as (

    select
        cast(min(event_time_local) as date) as first_day,
        cast(max(event_time_local) as date) as last_day
    from events

),

grid as (

    select
        reported_lines.line_code,
        t.interval_start
    from reported_lines
    cross join day_range
    cross join unnest(generate_series(
        cast(day_range.first_day as timestamp),
        cast(day_range.last_day as timestamp) + interval 1 day - interval '{{ var("interval_minutes") }} minutes',
        interval '{{ var("interval_minutes") }} minutes'
    )) as t (interval_start)

),

call_counts as (

    select
        line_code,
        entered_interval_start as interval_start,
        count(*) as offered,
        count(*) filter (where is_answered) as answered,
        count(*) filter (where is_abandoned) as abandoned,
        count(*) filter (where is_short_abandon) as short_abandoned,
        count(*) filter (where is_unanswered_by_system) as unanswered_by_system,
        count(*) filter (where is_answered_within_threshold) as answered_within_threshold,
        coalesce(sum(wait_seconds) filter (where is_answered), 0) as total_answer_wait_seconds,
        count(*) filter (where is_answered and handle_seconds is not null) as handled_calls,
        coalesce(sum(handle_seconds) filter (where is_answered), 0) as total_handle_seconds,
        count(*) filter (where is_answered and caller_key is not null) as answered_identified,
        count(*) filter (where is_repeat_contact) as repeat_contacts
    from calls
    group by all

),

agent_time as (

    select
        line_code,
        interval_start,
        sum(logged_in_seconds) as logged_in_seconds,
        sum(paused_seconds) as paused_seconds,
        sum(talking_seconds) as agent_talk_seconds
    from agent_intervals
    group by all

),

counted as (

    select
        grid.line_code,
        grid.interval_start,
        coalesce(call_counts.offered, 0) as offered,
        coalesce(call_counts.answered, 0) as answered,
        coalesce(call_counts.abandoned, 0) as abandoned,
        coalesce(call_counts.short_abandoned, 0) as short_abandoned,
        coalesce(call_counts.unanswered_by_system, 0) as unanswered_by_system,
        coalesce(call_counts.answered_within_threshold, 0) as answered_within_threshold,
        coalesce(call_counts.total_answer_wait_seconds, 0) as total_answer_wait_seconds,
        coalesce(call_counts.handled_calls, 0) as handled_calls,
        coalesce(call_counts.total_handle_seconds, 0) as total_handle_seconds,
        coalesce(call_counts.answered_identified, 0) as answered_identified,
        coalesce(call_counts.repeat_contacts, 0) as repeat_contacts,
        coalesce(agent_time.logged_in_seconds, 0) as logged_in_seconds,
        coalesce(agent_time.paused_seconds, 0) as paused_seconds,
        coalesce(agent_time.agent_talk_seconds, 0) as agent_talk_seconds
    from grid
    left join call_counts using (line_code, interval_start)
    left join agent_time using (line_code, interval_start)

),

final as (

    select
        counted.line_code || '|' || strftime(counted.interval_start, '%Y-%m-%dT%H:%M') as line_interval_key,
        counted.line_code,
        lines.line_name,
        counted.interval_start,
        cast(counted.interval_start as date) as report_date,
        counted.offered,
        counted.answered,
        counted.abandoned,
        counted.short_abandoned,
        counted.abandoned - counted.short_abandoned as abandoned_not_short,
        counted.unanswered_by_system,
        counted.answered_within_threshold,
        {{ service_level_denominator('counted', 'lines.service_level_denominator') }}
            as service_level_denominator_calls,
        counted.answered_within_threshold
        / nullif({{ service_level_denominator('counted', 'lines.service_level_denominator') }}, 0)
            as service_level,
        lines.service_level_seconds,
        lines.service_level_target,
        counted.total_answer_wait_seconds,
        counted.total_answer_wait_seconds / nullif(counted.answered, 0) as asa_seconds,
        lines.asa_target_seconds,
        (counted.abandoned - counted.short_abandoned)
        / nullif(counted.offered - counted.short_abandoned, 0) as abandon_rate,
        lines.abandon_rate_target,
        counted.handled_calls,
        counted.total_handle_seconds,
        counted.total_handle_seconds / nullif(counted.handled_calls, 0) as aht_seconds,
        counted.logged_in_seconds,
        counted.paused_seconds,
        counted.agent_talk_seconds,
        counted.agent_talk_seconds
        / nullif(counted.logged_in_seconds - counted.paused_seconds, 0) as occupancy,
        (counted.logged_in_seconds - counted.paused_seconds)
        / ({{ var("interval_minutes") }} * 60.0) as positions_staffed,
        counted.answered_identified,
        counted.repeat_contacts,
        counted.repeat_contacts / nullif(counted.answered_identified, 0) as repeat_contact_rate,
        lines.contracted_positions
    from counted
    inner join lines using (line_code)

)

select * from final
