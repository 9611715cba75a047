{#- One row per staffed-interval unit of fct_sla_units and landing file holding a queue_log
    line its staffed figure read: the member and pause events of every agent logged in during
    the interval, from the login in force (the agent's latest login on the line at or before
    the first segment the agent was logged in during the interval, read or inferred) to the
    interval's end. int_agent_state_segments.event_seq is the queue_log line that opens a
    segment (an inferred change reads none). Feeds int_sla_unit_files (row kind agent_event).
    int_agent_state_segments numbers an agent's segments in time order (segment_seq), so the
    events an interval reads are a run of the agent's event segments: numbered once, they
    are met as ranges of numbers against runs of consecutive events from one file, rather
    than pair by pair, which on a year would pair each interval with every event of its
    agents' shifts. A table, rebuilt whole on every run: the login in force can lie any
    distance back. -#}
with

units as (

    select * from {{ ref('fct_sla_units') }}

),

segments as (

    select * from {{ ref('int_agent_state_segments') }}

),

queue_events as (

    select * from {{ ref('stg_asterisk__queue_events') }}

),

unit_intervals as (

    select distinct
        line_code,
        report_month,
        unit_key,
        interval_start,
        interval_start + interval '{{ var("interval_minutes") }} minutes' as interval_end
    from units
    where unit_kind = 'interval'

),

-- an agent's segments in time order (segment_seq), each with the number of segments up to
-- it that open on a queue_log line
numbered_segments as (

    select
        line_code,
        agent,
        opening_event,
        segment_start,
        segment_end,
        is_logged_in,
        segment_seconds,
        segment_seq,
        event_seq,
        count(event_seq) over (
            partition by line_code, agent order by segment_seq rows between unbounded preceding and current row
        ) as events_through
    from segments

),

-- a logged-in segment on every day it spans, to meet the intervals of those days (an
-- interval never crosses midnight)
logged_in_days as (

    select
        line_code,
        agent,
        segment_seq,
        segment_start,
        segment_end,
        cast(unnest(generate_series(
            cast(segment_start as date), cast(segment_end as date), interval 1 day
        )) as date) as day
    from segments
    where is_logged_in and segment_seconds > 0

),

-- every agent logged in at some moment of the interval, from the first such segment
logged_in as (

    select
        unit_intervals.line_code,
        unit_intervals.report_month,
        unit_intervals.unit_key,
        unit_intervals.interval_end,
        logged_in_days.agent,
        min(logged_in_days.segment_seq) as first_seq
    from unit_intervals
    inner join logged_in_days
        on
            unit_intervals.line_code = logged_in_days.line_code
            and cast(unit_intervals.interval_start as date) = logged_in_days.day
            and unit_intervals.interval_end > logged_in_days.segment_start
            and unit_intervals.interval_start < logged_in_days.segment_end
    group by all

),

-- the agent's logins on the line, each with the number of event segments before it
logins as (

    select
        line_code,
        agent,
        segment_seq,
        events_through - (event_seq is not null)::int as events_before
    from numbered_segments
    where opening_event in ('ADDMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN', 'INFERRED_LOGIN')

),

-- the event segments before each instant an agent's segment starts at
event_starts as (

    select
        line_code,
        agent,
        segment_start,
        max(events_through) as events_through
    from numbered_segments
    group by all

),

-- per interval and agent, the numbers of the events read: from the login in force (the
-- agent's latest login on the line at or before the first segment) to the interval's end
event_ranges as (

    select
        logged_in.line_code,
        logged_in.report_month,
        logged_in.unit_key,
        logged_in.agent,
        coalesce(logins.events_before, 0) + 1 as first_event_no,
        event_starts.events_through as last_event_no
    from logged_in
    asof left join logins
        on
            logged_in.line_code = logins.line_code
            and logged_in.agent = logins.agent
            and logged_in.first_seq >= logins.segment_seq
    asof left join event_starts
        on
            logged_in.line_code = event_starts.line_code
            and logged_in.agent = event_starts.agent
            and logged_in.interval_end > event_starts.segment_start

),

-- the file of each event segment's queue_log line, by the segment's event number
agent_event_files as (

    select
        numbered_segments.line_code,
        numbered_segments.agent,
        numbered_segments.events_through as event_no,
        queue_events.file_path
    from numbered_segments
    inner join queue_events on numbered_segments.event_seq = queue_events.event_seq

),

-- an agent's consecutive events from one file, as one run of event numbers
file_runs as (

    select
        line_code,
        agent,
        file_path,
        min(event_no) as first_event_no,
        max(event_no) as last_event_no
    from (
        select
            *,
            event_no - row_number() over (partition by line_code, agent, file_path order by event_no) as run_no
        from agent_event_files
    ) as runs
    group by line_code, agent, file_path, run_no

),

final as (

    select distinct
        event_ranges.unit_key || '|' || file_runs.file_path as interval_file_key,
        event_ranges.line_code,
        event_ranges.report_month,
        event_ranges.unit_key,
        file_runs.file_path
    from event_ranges
    inner join file_runs
        on
            event_ranges.line_code = file_runs.line_code
            and event_ranges.agent = file_runs.agent
            and event_ranges.first_event_no <= file_runs.last_event_no
            and event_ranges.last_event_no >= file_runs.first_event_no
    -- an agent whose segments up to the interval's end open on no line since the login reads none
    where event_ranges.first_event_no <= event_ranges.last_event_no

)

select * from final
