{#- The KPIs of DESIGN.md §5 for every line per 30-minute local interval: inbound (calls and
    agents), outbound (attempts, contacts, retention), back office (intake, resolution,
    backlog) and social (interactions, first response, hidden, escalated). The grid holds every
    interval of every day on which the line had activity (and, for the queue lines, every day
    of the queue log), zeros when idle. Ratios are null when their denominator is zero. -#}
with

calls as (

    select * from {{ ref('fct_calls') }}

),

agent_intervals as (

    select * from {{ ref('fct_agent_intervals') }}

),

cases as (

    select * from {{ ref('fct_cases') }}

),

social as (

    select * from {{ ref('fct_social_interactions') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

events as (

    select * from {{ ref('stg_asterisk__queue_events') }}

),

queue_log_days as (

    select distinct
        lines.line_code,
        cast(events.event_time_local as date) as day
    from events
    cross join lines
    where lines.queue_count > 0

),

active_days as (

    select
        line_code,
        day
    from queue_log_days
    union
    select
        line_code,
        entered_date
    from calls
    union
    select
        line_code,
        report_date
    from agent_intervals
    union
    select
        line_code,
        created_date
    from cases
    union
    select
        line_code,
        cast(ended_at_local as date) as day
    from cases
    where ended_at_local is not null
    union
    select
        line_code,
        created_date
    from social

),

grid as (

    select
        active_days.line_code,
        t.interval_start
    from active_days
    cross join
        unnest(generate_series(
            cast(active_days.day as timestamp),
            cast(active_days.day as timestamp) + interval 1 day - interval '{{ var("interval_minutes") }} minutes',
            interval '{{ var("interval_minutes") }} minutes'
        )) as t (interval_start)
    where active_days.line_code in (select lines.line_code from lines)

),

-- one line contact per offered row (fct_calls: consecutive entries of a call into the
-- line's queues are one contact), with the contact's line-level outcome, wait and talk;
-- pending and lost-record contacts are counted apart, in no ratio
call_counts as (

    select
        line_code,
        entered_interval_start as interval_start,
        count(*) filter (where is_offered) as offered,
        count(*) filter (where is_offered and is_line_answered) as answered,
        count(*) filter (where is_offered and is_line_abandoned) as abandoned,
        count(*) filter (where is_offered and is_line_short_abandon) as short_abandoned,
        count(*) filter (where is_offered and is_line_unanswered_by_system) as unanswered_by_system,
        count(*) filter (where is_pending) as pending_calls,
        count(*) filter (where is_lost_record) as lost_records,
        count(*) filter (where is_offered and is_line_answered_within_threshold) as answered_within_threshold,
        coalesce({{ exact_sum('line_wait_seconds', where='is_offered and is_line_answered') }}, 0)
            as total_answer_wait_seconds,
        -- queue_log logs no hold or after-call work: handling time is talk time
        count(*) filter (where is_offered and is_line_answered and line_talk_seconds is not null) as handled_calls,
        coalesce({{ exact_sum('line_talk_seconds', where='is_offered and is_line_answered') }}, 0)
            as total_handle_seconds,
        count(*) filter (where is_offered and is_line_answered and caller_key is not null) as answered_identified,
        count(*) filter (where is_repeat_contact) as repeat_contacts,
        count(*) filter (where direction = 'outbound') as attempts,
        count(*) filter (where direction = 'outbound' and is_contact) as contacts
    from calls
    group by all

),

agent_time as (

    select
        line_code,
        interval_start,
        {{ exact_sum('logged_in_seconds') }} as logged_in_seconds,
        {{ exact_sum('paused_seconds') }} as paused_seconds,
        {{ exact_sum('talking_seconds') }} as agent_talk_seconds
    from agent_intervals
    group by all

),

cases_in as (

    select
        line_code,
        created_interval_start as interval_start,
        count(*) as cases_in,
        count(*) filter (where first_response_business_seconds is not null) as first_responses,
        coalesce({{ exact_sum('first_response_business_seconds') }}, 0) as first_response_business_seconds_total
    from cases
    group by all

),

-- resolutions and closes without resolution count where they happen (the contract's
-- state classes); a close without resolution is measured against the target and missed it;
-- retention outcomes close with the case
cases_out as (

    select
        line_code,
        {{ interval_start('ended_at_local') }} as interval_start,
        count(*) filter (where is_resolved) as cases_resolved,
        count(*) filter (where is_closed_unresolved) as cases_closed_unresolved,
        count(*) filter (where resolution_target_business_hours is not null) as resolved_with_target,
        count(*) filter (where is_resolved_within_target) as resolved_within_target,
        count(*) filter (where is_reopened) as reopened,
        count(*) filter (where outcome = 'retained') as retained,
        count(*) filter (where outcome = 'cancelled') as cancelled
    from cases
    where ended_at_local is not null
    group by all

),

social_counts as (

    select
        line_code,
        created_interval_start as interval_start,
        count(*) as interactions,
        count(*) filter (where is_responded) as responded,
        count(*) filter (where is_responded_within_target) as responded_within_target,
        coalesce({{ exact_sum('first_response_business_seconds') }}, 0) as social_first_response_business_seconds_total,
        count(*) filter (where is_hidden) as hidden,
        count(*) filter (where is_escalated) as escalated
    from social
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
        coalesce(call_counts.pending_calls, 0) as pending_calls,
        coalesce(call_counts.lost_records, 0) as lost_records,
        coalesce(call_counts.answered_within_threshold, 0) as answered_within_threshold,
        coalesce(call_counts.total_answer_wait_seconds, 0) as total_answer_wait_seconds,
        coalesce(call_counts.handled_calls, 0) as handled_calls,
        coalesce(call_counts.total_handle_seconds, 0) as total_handle_seconds,
        coalesce(call_counts.answered_identified, 0) as answered_identified,
        coalesce(call_counts.repeat_contacts, 0) as repeat_contacts,
        coalesce(agent_time.logged_in_seconds, 0) as logged_in_seconds,
        coalesce(agent_time.paused_seconds, 0) as paused_seconds,
        coalesce(agent_time.agent_talk_seconds, 0) as agent_talk_seconds,
        coalesce(call_counts.attempts, 0) as attempts,
        coalesce(call_counts.contacts, 0) as contacts,
        coalesce(cases_out.retained, 0) as retained,
        coalesce(cases_out.cancelled, 0) as cancelled,
        coalesce(cases_in.cases_in, 0) as cases_in,
        coalesce(cases_out.cases_resolved, 0) as cases_resolved,
        coalesce(cases_out.cases_closed_unresolved, 0) as cases_closed_unresolved,
        coalesce(cases_out.resolved_with_target, 0) as resolved_with_target,
        coalesce(cases_out.resolved_within_target, 0) as resolved_within_target,
        coalesce(cases_out.reopened, 0) as reopened,
        coalesce(cases_in.first_responses, 0) as first_responses,
        -- each total stays beside its own count (a social line also has CRM cases): cases'
        -- seconds over first_responses, posts' seconds over responded
        coalesce(cases_in.first_response_business_seconds_total, 0) as first_response_business_seconds_total,
        coalesce(social_counts.interactions, 0) as interactions,
        coalesce(social_counts.responded, 0) as responded,
        coalesce(social_counts.social_first_response_business_seconds_total, 0)
            as social_first_response_business_seconds_total,
        coalesce(social_counts.responded_within_target, 0) as responded_within_target,
        coalesce(social_counts.hidden, 0) as hidden,
        coalesce(social_counts.escalated, 0) as escalated
    from grid
    left join call_counts
        on grid.line_code = call_counts.line_code and grid.interval_start = call_counts.interval_start
    left join agent_time
        on grid.line_code = agent_time.line_code and grid.interval_start = agent_time.interval_start
    left join cases_in
        on grid.line_code = cases_in.line_code and grid.interval_start = cases_in.interval_start
    left join cases_out
        on grid.line_code = cases_out.line_code and grid.interval_start = cases_out.interval_start
    left join social_counts
        on grid.line_code = social_counts.line_code and grid.interval_start = social_counts.interval_start

),

-- backlog is a stock: open cases at the end of the interval, all intake minus every case
-- that stopped being worked so far (resolved or closed without resolution)
with_backlog as (

    select
        *,
        sum(cases_in - cases_resolved - cases_closed_unresolved) over (
            partition by line_code order by interval_start rows unbounded preceding
        ) as backlog_end
    from counted

),

final as (

    select
        counted.line_code || '|' || strftime(counted.interval_start, '%Y-%m-%dT%H:%M') as line_interval_key,
        counted.line_code,
        lines.line_name,
        lines.direction,
        counted.interval_start,
        cast(counted.interval_start as date) as report_date,
        {{ kpi_columns('counted', 'lines', var("interval_minutes") * 60) }},
        counted.backlog_end
    from with_backlog as counted
    inner join lines on counted.line_code = lines.line_code

)

select * from final
