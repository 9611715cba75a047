{#- Agent state as consecutive segments per line and agent: from one state change to the
    next, logged in or not, paused or not. Built from evidence near in time only, so that a
    lost line, a missing file or a late one changes nothing outside the days it touches:
    - Membership is kept per queue (ADDMEMBER / REMOVEMEMBER; AGENTLOGIN / AGENTLOGOFF for
      the queue-less agent channel). An agent in several queues of a line is one position:
      logged in while a member of at least one of them. A second ADDMEMBER of the same queue
      continues the membership, it does not count twice.
    - The queue_log's files are read in runs of consecutive covered days
      (int_source_file_days). A membership never crosses the edge of a run: it is cut at the
      midnight a gap (days with no file) starts and taken up at the midnight it ends. The
      first run starts at the log's first event, the last ends at its last.
    - A login whose logout the run does not hold within S = measurement.agents.
      longest_shift_hours ends at the agent's last activity on the line within S (a lost
      REMOVEMEMBER), or with the run if it ends sooner.
    - A logout with no login before it in its run: logged in from the run's start if it
      began no longer than S before, else from his first activity on the line within S (and
      after his previous membership line of that queue). No activity: nothing is inferred.
    - Activity is any line naming the agent on a queue of the line, or queue-less (PAUSEALL,
      AGENTLOGIN): those apply to the lines he has a queue line on within S around them,
      every line he is a member of then (a membership's login or logout line is one).
    - Paused: the session's last pause line (PAUSE/PAUSEALL, UNPAUSE/UNPAUSEALL, ADDMEMBER
      PAUSED) while no older than S at the segment's start; older, it is no evidence any
      more. A session whose login was inferred is paused until its first pause line if that
      is an UNPAUSE within S of the login.
    - A logged-out segment ends at the next change or at the midnight after its start.
    Inferred changes are segments of their own (INFERRED_LOGIN / INFERRED_LOGOFF) with the
    evidence that placed them (data_start, file_gap, activity, longest_shift, data_end).
    segment_seq orders a line and agent's segments as event_seq orders lines: the second's
    epoch times a million plus the rank within the second (an inferred login before the
    lines of its instant, an inferred logout after the line it follows).
    Incremental by the local day a segment starts (macros/rebuild_days.sql). A row at t is
    decided by the lines within 3S: a membership spans at most S and is decided by the lines
    within S of its ends; the memberships in force at t, the next change of a logged-in
    segment and the session's pause lines within S before t are decided within 2S, a
    queue-less line's lines within S more. A changed day reaches ceil(3S / 24 h) days each
    way (S = 12 h: two); the rebuilt days read twice that. The log's first and last covered
    days and events, its data end and the names the interfaces stand for (int_agent_aliases)
    are fingerprinted on the days they touch (int_raw_day_fingerprints). S comes in as the
    var longest_shift_hours (assets/rebuild.py); a longer contract value stops the build. -#}
{%- set shift_hours = var('longest_shift_hours') %}
{%- set reach = agent_state_reach() %}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='cast(segment_start as date)',
    rebuild_before=reach,
    rebuild_after=reach,
    rebuild_sources=['asterisk_queue_log'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
{{ assert_reach_covers(['stg_asterisk__queue_events'], lag_before=reach, lag_after=reach) }}
with

all_events as (

    select * from {{ ref('stg_asterisk__queue_events') }}

),

-- the lines that decide the rebuilt days' rows
events as (

    select * from all_events
    where {{ in_rebuild_days('cast(event_time_local as date)', before=2 * reach, after=2 * reach) }}

),

aliases as (

    select * from {{ ref('int_agent_aliases') }}

),

queues as (

    select * from {{ ref('stg_contract__queues') }}

),

measurement as (

    select * from {{ ref('stg_contract__measurement') }}

),

file_days as (

    select * from {{ ref('int_source_file_days') }}
    where source = 'asterisk_queue_log' and is_delivered

),

-- where the whole log begins and ends
horizon as (

    select
        min(event_time_local) as first_event_local,
        max(event_time_local) as last_event_local
    from all_events

),

-- the reach was compiled for the var's longest shift: a longer one would reach further
longest as (

    select
        case
            when longest_shift_hours > {{ shift_hours }}
                then error(
                    'contract file (SLA_CONFIG) measurement.agents.longest_shift_hours: '
                    || longest_shift_hours || ' h exceeds the dbt var longest_shift_hours ({{ shift_hours }}): '
                    || 'build through the pipeline (assets/rebuild.py passes it) or pass that var'
                )
            else to_seconds(cast(round(longest_shift_hours * 3600) as bigint))
        end as shift
    from measurement

),

-- runs of consecutive days the queue_log's files cover
covered_days as (

    select distinct report_date from file_days

),

day_runs as (

    select
        report_date,
        report_date - cast(row_number() over (order by report_date) as integer) as run_anchor
    from covered_days

),

runs as (

    select
        row_number() over (order by min(report_date)) as run_no,
        cast(min(report_date) as timestamp) as day_start,
        cast(max(report_date) + 1 as timestamp) as day_end
    from day_runs
    group by run_anchor

),

run_bounds as (

    select
        runs.run_no,
        runs.run_no = 1 as is_first_run,
        runs.is_last_run,
        case
            when runs.run_no = 1 then least(runs.day_end, horizon.first_event_local)
            else runs.day_start
        end as run_start,
        case
            when runs.is_last_run then greatest(runs.day_start, horizon.last_event_local)
            else runs.day_end
        end as run_end
    from (
        select
            *,
            run_no = max(run_no) over () as is_last_run
        from runs
    ) as runs, horizon

),

agent_events as (

    select
        events.event_seq,
        events.event_time_local,
        events.event,
        events.queue_name,
        events.data1,
        coalesce(aliases.member_name, events.agent) as agent
    from events
    -- the name the interface stood for at the time of the event
    left join aliases
        on
            events.agent = aliases.member_interface
            and (aliases.valid_from_utc is null or events.event_time_utc >= aliases.valid_from_utc)
            and (aliases.valid_to_utc is null or events.event_time_utc < aliases.valid_to_utc)
    where coalesce(events.agent, 'NONE') <> 'NONE'

),

queue_scoped as (

    select
        agent_events.*,
        coalesce(queues.line_code, '{{ var("unmapped_line") }}') as line_code
    from agent_events
    left join queues using (queue_name)
    where coalesce(agent_events.queue_name, 'NONE') <> 'NONE'

),

-- an agent's queue lines per line in spans of time as long as the longest shift: the lines
-- within it of a moment are its span's (all) and those at the near edges of the two beside
queue_spans as (

    select
        queue_scoped.agent,
        queue_scoped.line_code,
        floor(epoch(queue_scoped.event_time_local) / epoch(longest.shift))::bigint as span_no,
        min(queue_scoped.event_time_local) as first_time,
        max(queue_scoped.event_time_local) as last_time
    from queue_scoped, longest
    group by all

),

-- queue-less lines (PAUSEALL, AGENTLOGIN...) with their span and the two beside it
queue_less as (

    select
        agent_events.event_seq,
        agent_events.agent,
        agent_events.event_time_local,
        floor(epoch(agent_events.event_time_local) / epoch(longest.shift))::bigint + steps.step as span_no,
        longest.shift
    from agent_events, longest, (select unnest([-1, 0, 1]) as step) as steps
    where coalesce(agent_events.queue_name, 'NONE') = 'NONE'

),

-- the lines the agent has a queue line on within the longest shift of a queue-less line
queue_less_lines as (

    select distinct
        queue_less.event_seq,
        queue_spans.line_code
    from queue_less
    inner join queue_spans
        on queue_less.agent = queue_spans.agent and queue_less.span_no = queue_spans.span_no
    where
        queue_spans.last_time >= queue_less.event_time_local - queue_less.shift
        and queue_spans.first_time <= queue_less.event_time_local + queue_less.shift

),

activity as (

    select * from queue_scoped
    union all
    select
        agent_events.*,
        queue_less_lines.line_code
    from agent_events
    inner join queue_less_lines using (event_seq)

),

-- membership lines per queue (the agent channel's logins as one queue-less membership), each
-- with the run of files it lies in and its neighbours in that queue and run
membership as (

    select
        activity.line_code,
        activity.agent,
        coalesce(activity.queue_name, 'NONE') as membership_queue,
        activity.event_seq,
        activity.event_time_local,
        activity.event,
        activity.event in ('ADDMEMBER', 'AGENTLOGIN', 'AGENTCALLBACKLOGIN') as is_login,
        -- without coverage rows the whole log is one run
        coalesce(run_bounds.run_no, 0) as run_no,
        coalesce(run_bounds.run_start, horizon.first_event_local) as run_start,
        coalesce(run_bounds.run_end, horizon.last_event_local) as run_end,
        coalesce(run_bounds.is_first_run, true) as is_first_run,
        coalesce(run_bounds.is_last_run, true) as is_last_run
    from activity
    cross join horizon
    left join run_bounds
        on activity.event_time_local >= run_bounds.run_start and activity.event_time_local <= run_bounds.run_end
    where
        activity.event in (
            'ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF'
        )
    -- an event of the run's closing instant belongs to the run it closes
    qualify
        row_number()
            over (partition by activity.line_code, activity.agent, activity.event_seq order by run_bounds.run_no)
        = 1

),

membership_neighbours as (

    select
        *,
        lag(is_login) over queue_run as prev_is_login,
        lag(event_time_local) over queue_run as prev_time,
        lag(event_seq) over queue_run as prev_seq,
        lead(event_time_local) over queue_run as next_time,
        lead(event_seq) over queue_run as next_seq
    from membership
    window queue_run as (partition by line_code, agent, membership_queue, run_no order by event_seq)

),

-- a login: until the queue's next membership line within the longest shift, else until the
-- run's end if sooner, else until the last activity within the longest shift
logins as (

    select
        membership_neighbours.*,
        case
            when membership_neighbours.next_time <= membership_neighbours.event_time_local + longest.shift
                then 'line'
            when membership_neighbours.run_end <= membership_neighbours.event_time_local + longest.shift
                then case when membership_neighbours.is_last_run then 'data_end' else 'file_gap' end
            else 'longest_shift'
        end as end_evidence
    from membership_neighbours, longest
    where membership_neighbours.is_login

),

shift_ends as (

    select
        logins.line_code,
        logins.agent,
        logins.event_seq,
        max(activity.event_seq) as last_seq
    from logins
    inner join activity
        on
            logins.line_code = activity.line_code
            and logins.agent = activity.agent
            and logins.event_seq <= activity.event_seq
            and activity.event_time_local <= logins.event_time_local + (select shift from longest)
    where logins.end_evidence = 'longest_shift'
    group by all

),

login_spans as (

    select
        logins.line_code,
        logins.agent,
        logins.event_time_local as start_time,
        cast(logins.event_seq as double) as start_order,
        cast(null as varchar) as start_evidence,
        case logins.end_evidence
            when 'line' then logins.next_time
            when 'longest_shift' then last_activity.event_time_local
            else logins.run_end
        end as end_time,
        case logins.end_evidence
            when 'line' then cast(logins.next_seq as double)
            when 'longest_shift' then shift_ends.last_seq + 0.25
            -- after every line of the run's last instant
            else 1e18
        end as end_order,
        case when logins.end_evidence <> 'line' then logins.end_evidence end as end_evidence
    from logins
    left join shift_ends
        on
            logins.line_code = shift_ends.line_code
            and logins.agent = shift_ends.agent
            and logins.event_seq = shift_ends.event_seq
    left join activity as last_activity
        on
            shift_ends.line_code = last_activity.line_code
            and shift_ends.agent = last_activity.agent
            and shift_ends.last_seq = last_activity.event_seq

),

-- a logout that no login of its queue and run precedes within the longest shift
orphan_logouts as (

    select
        membership_neighbours.*,
        membership_neighbours.prev_seq is null
        and membership_neighbours.run_start >= membership_neighbours.event_time_local - longest.shift
            as from_run_start,
        greatest(
            membership_neighbours.event_time_local - longest.shift,
            membership_neighbours.run_start,
            coalesce(membership_neighbours.prev_time, membership_neighbours.run_start)
        ) as earliest_time
    from membership_neighbours, longest
    where
        not membership_neighbours.is_login
        and not (
            coalesce(membership_neighbours.prev_is_login, false)
            and membership_neighbours.prev_time >= membership_neighbours.event_time_local - longest.shift
        )

),

first_activity as (

    select
        orphan_logouts.line_code,
        orphan_logouts.agent,
        orphan_logouts.event_seq,
        min(activity.event_seq) as first_seq
    from orphan_logouts
    inner join activity
        on
            orphan_logouts.line_code = activity.line_code
            and orphan_logouts.agent = activity.agent
            and orphan_logouts.event_seq > activity.event_seq
            and activity.event_seq > coalesce(orphan_logouts.prev_seq, 0)
            and orphan_logouts.earliest_time <= activity.event_time_local
    where not orphan_logouts.from_run_start
    group by all

),

logout_spans as (

    select
        orphan_logouts.line_code,
        orphan_logouts.agent,
        case
            when orphan_logouts.from_run_start then orphan_logouts.run_start
            else first_event.event_time_local
        end as start_time,
        case
            -- before every line of the run's first instant
            when orphan_logouts.from_run_start then -1.0
            else first_activity.first_seq - 0.25
        end as start_order,
        case
            when not orphan_logouts.from_run_start then 'activity'
            when orphan_logouts.is_first_run then 'data_start'
            else 'file_gap'
        end as start_evidence,
        orphan_logouts.event_time_local as end_time,
        cast(orphan_logouts.event_seq as double) as end_order,
        cast(null as varchar) as end_evidence
    from orphan_logouts
    left join first_activity
        on
            orphan_logouts.line_code = first_activity.line_code
            and orphan_logouts.agent = first_activity.agent
            and orphan_logouts.event_seq = first_activity.event_seq
    left join activity as first_event
        on
            first_activity.line_code = first_event.line_code
            and first_activity.agent = first_event.agent
            and first_activity.first_seq = first_event.event_seq
    where orphan_logouts.from_run_start or first_activity.first_seq is not null

),

spans as (

    select * from login_spans
    union all
    select * from logout_spans

),

-- the points where the state may change: every membership and pause line, and the inferred
-- starts and ends of memberships; +1 / -1 memberships at each
points as (

    select
        line_code,
        agent,
        event_time_local as point_time,
        cast(event_seq as double) as point_order,
        event_seq,
        event as opening_event,
        cast(null as varchar) as evidence,
        case
            when event in ('PAUSE', 'PAUSEALL') then true
            when event in ('UNPAUSE', 'UNPAUSEALL') then false
            when event = 'ADDMEMBER' then coalesce(data1, '') = 'PAUSED'
        end as pause_flag,
        0 as delta
    from activity
    where
        event in (
            'ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF',
            'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL'
        )

    union all

    select
        line_code,
        agent,
        start_time,
        start_order,
        null as event_seq,
        'INFERRED_LOGIN' as opening_event,
        start_evidence,
        null as pause_flag,
        1 as delta
    from spans

    union all

    select
        line_code,
        agent,
        end_time,
        end_order,
        null as event_seq,
        'INFERRED_LOGOFF' as opening_event,
        end_evidence,
        null as pause_flag,
        -1 as delta
    from spans

),

merged_points as (

    select
        line_code,
        agent,
        point_time,
        point_order,
        max(event_seq) as event_seq,
        -- an inferred change at a line's own position is that line
        coalesce(
            min(opening_event) filter (where opening_event not like 'INFERRED_%'),
            min(opening_event)
        ) as opening_event,
        min(evidence) as evidence,
        bool_or(pause_flag) as pause_flag,
        sum(delta) as delta
    from points
    group by all

),

running as (

    select
        *,
        sum(delta) over agent_order as memberships,
        lead(point_time) over agent_order as next_point_time,
        row_number() over agent_order as point_no,
        coalesce(date_trunc('second', lag(point_time) over agent_order) <> date_trunc('second', point_time), true)
            as opens_second
    from merged_points
    window agent_order as (partition by line_code, agent order by point_time, point_order)

),

-- a session opens where the agent becomes a member of a first queue; pause lines while
-- logged out say nothing of it
marked as (

    select
        *,
        memberships > 0 and memberships - delta <= 0 as opens_session,
        case when memberships > 0 then pause_flag end as session_pause_flag
    from running

),

-- each point with its session's start, the session's last pause line so far and next one
-- (first_value / last_value skipping nulls: far cheaper over such frames than min / max)
sessions as (

    select
        *,
        -- as event_seq: the second's epoch times a million plus the rank within the second
        epoch(date_trunc('second', point_time))::bigint * 1000000 + point_no + 1
        - last_value(case when opens_second then point_no end ignore nulls) over so_far as segment_seq,
        last_value(case when opens_session then point_no end ignore nulls) over so_far as session_point,
        last_value(case when opens_session then point_time end ignore nulls) over so_far as session_start,
        last_value(case when opens_session then opening_event end ignore nulls) over so_far as session_opening,
        last_value(case when session_pause_flag is not null then point_no end ignore nulls) over so_far
            as last_pause_point,
        last_value(case when session_pause_flag is not null then point_time end ignore nulls) over so_far
            as last_pause_time,
        last_value(session_pause_flag ignore nulls) over so_far as last_pause_flag,
        first_value(case when session_pause_flag is not null then point_no end ignore nulls) over ahead
            as next_pause_point,
        first_value(case when session_pause_flag is not null then point_time end ignore nulls) over ahead
            as next_pause_time,
        first_value(session_pause_flag ignore nulls) over ahead as next_pause_flag,
        first_value(case when opens_session then point_no end ignore nulls) over after as next_session_point
    from marked
    window
        so_far as (partition by line_code, agent order by point_no rows unbounded preceding),
        ahead as (partition by line_code, agent order by point_no rows between current row and unbounded following),
        after as (partition by line_code, agent order by point_no rows between 1 following and unbounded following)

),

pause_states as (

    select
        sessions.*,
        sessions.memberships > 0 and coalesce(
            -- the session's last pause line while it is evidence
            case
                when
                    sessions.last_pause_point >= sessions.session_point
                    and sessions.last_pause_time >= sessions.point_time - longest.shift
                    then sessions.last_pause_flag
            end,
            -- none yet: an inferred login's session whose first one, within S, is an UNPAUSE
            case
                when
                    coalesce(sessions.last_pause_point < sessions.session_point, true)
                    and sessions.session_opening = 'INFERRED_LOGIN'
                    and sessions.next_pause_time <= sessions.session_start + longest.shift
                    and coalesce(sessions.next_session_point > sessions.next_pause_point, true)
                    then not sessions.next_pause_flag
            end,
            false
        ) as is_paused
    from sessions, longest

),

-- a logged-in segment runs to the next change (within the longest shift: a membership's
-- end is one); a logged-out one to the next change or its day's end
ends as (

    select
        pause_states.*,
        case
            when pause_states.memberships > 0
                then greatest(
                    coalesce(pause_states.next_point_time, horizon.last_event_local), pause_states.point_time
                )
            else greatest(
                least(
                    coalesce(pause_states.next_point_time, horizon.last_event_local),
                    cast(cast(pause_states.point_time as date) + 1 as timestamp)
                ),
                pause_states.point_time
            )
        end as segment_end
    from pause_states, horizon

),

final as (

    select
        line_code || '|' || agent || '|' || segment_seq as segment_key,
        segment_seq,
        event_seq,
        line_code,
        agent,
        opening_event,
        evidence,
        point_time as segment_start,
        segment_end,
        memberships > 0 as is_logged_in,
        is_paused,
        epoch(segment_end) - epoch(point_time) as segment_seconds
    from ends
    where {{ in_rebuild_days('cast(point_time as date)') }}

)

select * from final
