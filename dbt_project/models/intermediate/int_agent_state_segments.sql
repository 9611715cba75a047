{#- Agent state as consecutive segments per line and agent: from one member/pause event to
    the next, logged in or not, paused or not. An agent in several queues of a line is one
    position: logged in while a member of at least one of them. A log that starts with the
    agent already logged in (REMOVEMEMBER before any ADDMEMBER) counts the memberships it
    must have had. The last segment ends at the last event of the whole log. -#}
with

events as (

    select * from {{ ref('stg_asterisk__queue_events') }}

),

aliases as (

    select * from {{ ref('int_agent_aliases') }}

),

queues as (

    select * from {{ ref('stg_contract__queues') }}

),

horizon as (

    select max(event_time_local) as last_event_local from events

),

member_events as (

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
    where events.event in (
        'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL'
    )
    and coalesce(events.agent, 'NONE') <> 'NONE'

),

queue_scoped as (

    select
        member_events.*,
        coalesce(queues.line_code, '{{ var("unmapped_line") }}') as line_code
    from member_events
    left join queues using (queue_name)
    where coalesce(member_events.queue_name, 'NONE') <> 'NONE'

),

-- PAUSEALL/UNPAUSEALL name no queue: they apply to every line the agent works on
agent_lines as (

    select distinct
        agent,
        line_code
    from queue_scoped

),

all_scoped as (

    select * from queue_scoped
    union all
    select
        member_events.*,
        agent_lines.line_code
    from member_events
    inner join agent_lines using (agent)
    where coalesce(member_events.queue_name, 'NONE') = 'NONE'

),

running as (

    select
        *,
        sum(case event when 'ADDMEMBER' then 1 when 'REMOVEMEMBER' then -1 else 0 end)
            over (partition by line_code, agent order by event_seq rows unbounded preceding)
            as running_memberships,
        case
            when event in ('PAUSE', 'PAUSEALL') then true
            when event in ('UNPAUSE', 'UNPAUSEALL') then false
            when event = 'ADDMEMBER' then coalesce(data1, '') = 'PAUSED'
        end as pause_flag
    from all_scoped

),

states as (

    select
        line_code,
        agent,
        event_seq,
        event,
        event_time_local as segment_start,
        coalesce(
            lead(event_time_local) over (partition by line_code, agent order by event_seq),
            (select horizon.last_event_local from horizon)
        ) as segment_end,
        running_memberships
        + greatest(0, -min(running_memberships) over (partition by line_code, agent))
            as memberships,
        last_value(pause_flag ignore nulls)
            over (partition by line_code, agent order by event_seq rows unbounded preceding)
            as is_paused_state
    from running

),

final as (

    select
        line_code || '|' || agent || '|' || event_seq as segment_key,
        line_code,
        agent,
        event as opening_event,
        segment_start,
        greatest(segment_end, segment_start) as segment_end,
        memberships > 0 as is_logged_in,
        memberships > 0 and coalesce(is_paused_state, false) as is_paused,
        epoch(greatest(segment_end, segment_start)) - epoch(segment_start) as segment_seconds
    from states

)

select * from final
