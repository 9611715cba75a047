{#- Agent identity is not one column value: Issabel/FreePBX log ADDMEMBER/REMOVEMEMBER with
    the interface (SIP/1001) and PAUSE/CONNECT with the member name (Sathish). Asterisk writes
    the member's (UN)PAUSE lines in the same second as the ADDMEMBER, so an interface is the
    member name it most often shares that second with. Only interface-shaped names (with a
    '/') that never pause themselves are aliased, so two agents logging in together are never
    merged. -#}
with

events as (

    select * from {{ ref('stg_asterisk__queue_events') }}

),

adds as (

    select
        event_time_utc,
        queue_name,
        agent
    from events
    where event = 'ADDMEMBER' and agent like '%/%'

),

pauses as (

    select
        event_time_utc,
        queue_name,
        agent
    from events
    where event in ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')

),

pairs as (

    select
        adds.agent as member_interface,
        pauses.agent as member_name,
        count(*) as times_seen
    from adds
    inner join pauses
        on
            adds.event_time_utc = pauses.event_time_utc
            and (adds.queue_name = pauses.queue_name or coalesce(pauses.queue_name, 'NONE') = 'NONE')
            and adds.agent <> pauses.agent
    where adds.agent not in (select pausing.agent from pauses as pausing)
    group by all

),

final as (

    select
        member_interface,
        member_name,
        times_seen
    from pairs
    qualify row_number() over (partition by member_interface order by times_seen desc, member_name asc) = 1

)

select * from final
