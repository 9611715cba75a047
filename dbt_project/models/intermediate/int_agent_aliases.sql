{#- Agent identity is not one column value: Issabel/FreePBX log ADDMEMBER/REMOVEMEMBER with
    the interface (SIP/1001) and PAUSE/CONNECT with the member name (Sathish). Asterisk writes
    the member's (UN)PAUSE lines in the same second as the ADDMEMBER, so each such login says
    who the interface is from then on. One row per interface and period: an interface stands
    for the name of its latest login until a login under another name (a desk shared by two
    agents, a renamed member), never for all time; events before its first login take the
    first name. Only interface-shaped names (with a '/') that never pause themselves are
    aliased, so two agents logging in together are never merged; when two names pause in a
    login's second, the one the interface is seen with most often wins.
    Read from the raw log, keeping the lines staging keeps (stg_asterisk__queue_events: an
    identical line seen twice is one event, the first file's copy; file and line order the
    lines of a second as event_seq does), so that int_raw_day_fingerprints can name the days
    whose lines a change of these periods renames (a period reaches far beyond the day of
    the login that opens it). -#}
with

queue_log as (

    select * from {{ source('raw', 'asterisk_queue_log') }}

),

-- an interface's logins, one per line staging keeps (its copies in other files dropped)
adds as (

    select
        file_path,
        line_no,
        event_time_utc,
        nullif(queuename, '') as queue_name,
        nullif(agent, '') as agent
    from queue_log
    where event = 'ADDMEMBER' and agent like '%/%'
    qualify row_number() over (
        partition by event_time_utc, callid, queuename, agent, event, data
        order by file_path, line_no
    ) = 1

),

-- the pause lines that can name an interface (in the second of one of its logins) or show
-- an interface-shaped name pausing itself; their copies change no sighting
pauses as (

    select distinct
        event_time_utc,
        nullif(queuename, '') as queue_name,
        nullif(agent, '') as agent
    from queue_log
    where
        event in ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
        and (agent like '%/%' or event_time_utc in (select adds.event_time_utc from adds))

),

-- every login of an interface and the names pausing in its second
sightings as (

    select distinct
        adds.file_path,
        adds.line_no,
        adds.event_time_utc,
        adds.agent as member_interface,
        pauses.agent as member_name
    from adds
    inner join pauses
        on
            adds.event_time_utc = pauses.event_time_utc
            and (adds.queue_name = pauses.queue_name or coalesce(pauses.queue_name, 'NONE') = 'NONE')
            and adds.agent <> pauses.agent
    where adds.agent not in (
        select pausing.agent from pauses as pausing
        where pausing.agent is not null
    )

),

times_seen as (

    select
        member_interface,
        member_name,
        count(*) as times_seen
    from sightings
    group by all

),

-- one name per login
logins as (

    select
        sightings.file_path,
        sightings.line_no,
        sightings.event_time_utc,
        sightings.member_interface,
        sightings.member_name,
        times_seen.times_seen
    from sightings
    inner join times_seen using (member_interface, member_name)
    qualify row_number() over (
        partition by sightings.member_interface, sightings.file_path, sightings.line_no
        order by times_seen.times_seen desc, sightings.member_name asc
    ) = 1

),

-- a new period starts where the name changes
changes as (

    select
        *,
        coalesce(
            member_name
            <> lag(member_name) over (partition by member_interface order by event_time_utc, file_path, line_no),
            true
        ) as is_new_period
    from logins

),

periods as (

    select
        *,
        sum(is_new_period::int) over (
            partition by member_interface order by event_time_utc, file_path, line_no rows unbounded preceding
        ) as period_no
    from changes

),

final as (

    select
        member_interface || '|' || period_no as alias_key,
        member_interface,
        any_value(member_name) as member_name,
        period_no,
        -- the first period also covers what the log holds before the first login
        case when period_no = 1 then null else min(event_time_utc) end as valid_from_utc,
        lead(min(event_time_utc)) over (partition by member_interface order by period_no) as valid_to_utc,
        count(*) as times_seen
    from periods
    group by member_interface, period_no

)

select * from final
