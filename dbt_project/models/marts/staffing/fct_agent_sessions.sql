{#- One row per agent session on a line: from the moment the agent became a member of one of
    the line's queues to the moment he left the last one, with paused time and the number of
    pauses. Asterisk writes one PAUSEALL plus one PAUSE per queue for a single pause (and a
    PAUSE again to change its reason), so a pause is counted by the paused time itself: a
    stretch of paused time, opened by a PAUSE or PAUSEALL, is one pause however many pause
    lines write it. Only segments of positive length decide the stretches (the lines of one
    second are zero-length and their order within the second does not matter); a pause that
    lasts less than a second is no paused time and no pause; logging in paused (ADDMEMBER
    PAUSED) is not a pause the agent took. Each session says how its login and logout were
    established: by a membership line of the queue_log, or inferred (int_agent_state_segments:
    the start or end of the data, a gap in the files, the agent's activity, the longest
    shift).
    A full table: a session lasts as long as memberships overlap (an agent in two queues, a
    second ADDMEMBER within the longest shift), so one day's lines can change a session row
    of any earlier login day, and its number counts the sessions before it. It reads the
    segments only (no raw line). -#}
with

segments as (

    select * from {{ ref('int_agent_state_segments') }}

),

islands as (

    select
        *,
        sum(case when is_logged_in and not coalesce(prev_logged_in, false) then 1 else 0 end)
            over (partition by line_code, agent order by segment_seq rows unbounded preceding)
            as session_no
    from (
        select
            *,
            lag(is_logged_in) over agent_order as prev_logged_in,
            -- the change that opens the next segment: after a session's last one, its logout
            lead(coalesce(evidence, opening_event)) over agent_order as next_change
        from segments
        window agent_order as (partition by line_code, agent order by segment_seq)
    ) as with_previous

),

-- the session's segments of positive length, each with the paused state of the one before:
-- they do not overlap, so their start orders them
timed as (

    select
        *,
        lag(is_paused) over (partition by line_code, agent, session_no order by segment_start)
            as prev_paused
    from islands
    where is_logged_in and segment_seconds > 0

),

pauses as (

    select
        line_code,
        agent,
        session_no,
        count(*) as pause_events
    from timed
    where
        is_paused
        and not coalesce(prev_paused, false)
        and opening_event in ('PAUSE', 'PAUSEALL')
    group by line_code, agent, session_no

),

sessions as (

    select
        line_code,
        agent,
        session_no,
        min(segment_start) as login_at_local,
        max(segment_end) as logout_at_local,
        arg_min(coalesce(evidence, opening_event), segment_seq) as login_evidence,
        -- the last segment's next change, none at the end of the data
        arg_max_null(next_change, segment_seq) as logout_evidence,
        {{ exact_sum('segment_seconds') }} as logged_in_seconds,
        {{ exact_sum('case when is_paused then segment_seconds else 0 end') }} as paused_seconds
    from islands
    where is_logged_in
    group by line_code, agent, session_no

),

final as (

    select
        sessions.line_code || '|' || sessions.agent || '|' || sessions.session_no as session_key,
        sessions.line_code,
        sessions.agent,
        sessions.session_no,
        sessions.login_at_local,
        sessions.logout_at_local,
        cast(sessions.login_at_local as date) as login_date,
        sessions.login_evidence,
        coalesce(sessions.logout_evidence, 'data_end') as logout_evidence,
        sessions.logged_in_seconds,
        sessions.paused_seconds,
        coalesce(pauses.pause_events, 0) as pause_events
    from sessions
    left join pauses
        on
            sessions.line_code = pauses.line_code
            and sessions.agent = pauses.agent
            and sessions.session_no = pauses.session_no

)

select * from final
