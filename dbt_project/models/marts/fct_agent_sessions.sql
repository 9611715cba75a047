{#- One row per agent session on a line: from the moment the agent became a member of one of
    the line's queues to the moment he left the last one, with paused time and reasons. -#}
with

segments as (

    select * from {{ ref('int_agent_state_segments') }}

),

islands as (

    select
        *,
        sum(case when is_logged_in and not coalesce(prev_logged_in, false) then 1 else 0 end)
            over (partition by line_code, agent order by segment_start, segment_key rows unbounded preceding)
            as session_no
    from (
        select
            *,
            lag(is_logged_in) over (partition by line_code, agent order by segment_start, segment_key)
                as prev_logged_in
        from segments
    ) as with_previous

),

final as (

    select
        line_code || '|' || agent || '|' || session_no as session_key,
        line_code,
        agent,
        session_no,
        min(segment_start) as login_at_local,
        max(segment_end) as logout_at_local,
        cast(min(segment_start) as date) as login_date,
        {{ exact_sum('segment_seconds') }} as logged_in_seconds,
        {{ exact_sum('case when is_paused then segment_seconds else 0 end') }} as paused_seconds,
        count(*) filter (where opening_event in ('PAUSE', 'PAUSEALL')) as pause_events
    from islands
    where is_logged_in
    group by line_code, agent, session_no

)

select * from final
