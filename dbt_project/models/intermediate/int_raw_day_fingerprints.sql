{#- One row per landing source and local day the incremental models rebuild by: a fingerprint
    of everything of that day they read, so that comparing it with the last complete build's
    (int_rebuild_days) names exactly the days whose data changed. Grain: source, day.
    - asterisk_queue_log: every loaded line of the day (file, line and every field: a line
      added, removed, changed or moved to a rotated file changes it), the day's coverage rows
      (int_source_file_days: a late file, an empty delivery, a rejected line) and, on the day
      the queue_log's data ends, that end (pending calls become lost records as it moves);
      where the log begins and ends, on the first and last covered days and the days of the
      first and last events (agent state is inferred from the runs of covered days at both
      ends: a run that stops being the first or the last changes there); and the names the
      day's interface lines stand for (int_agent_aliases: a login under another name renames
      the lines of the days up to the next one).
    - asterisk_cdr: every loaded record (file, line and fields) on the local day it started.
    - call_detail: every loaded call (file, line and fields) on the local day it started
      (queue entry, else answer, else arrival: the day fct_calls counts it in).
    Sums of 64-bit hashes are exact (HUGEINT) and independent of row order. -#}
with

queue_log as (

    select * from {{ source('raw', 'asterisk_queue_log') }}

),

file_days as (

    select * from {{ ref('int_source_file_days') }}
    where source = 'asterisk_queue_log'

),

cdr as (

    select * from {{ source('raw', 'asterisk_cdr') }}

),

call_detail as (

    select * from {{ source('raw', 'call_detail') }}

),

agent_aliases as (

    select * from {{ ref('int_agent_aliases') }}

),

data_end as (

    select * from {{ ref('int_source_data_end') }}
    where source = 'asterisk_queue_log'

),

line_days as (

    select
        cast({{ to_local('event_time_utc') }} as date) as day,
        count(*) as lines,
        sum(hash(file_path, line_no, event_time_utc, callid, queuename, agent, event, data))::hugeint
            as fingerprint
    from queue_log
    group by all

),

coverage_days as (

    select
        report_date as day,
        0 as lines,
        sum(hash(file_path, events, is_delivered, rows_rejected))::hugeint as fingerprint
    from file_days
    group by all

),

end_days as (

    select
        data_end_date as day,
        0 as lines,
        hash(data_end_local)::hugeint as fingerprint
    from data_end

),

-- where the log begins and ends: its first and last covered days and events
queue_log_span as (

    select
        min(file_days.report_date) filter (where file_days.is_delivered) as first_day,
        max(file_days.report_date) filter (where file_days.is_delivered) as last_day,
        -- converted once, not per line: an event that moves only the local start or end (a
        -- daylight-saving fold) is on a changed day right beside it
        (select {{ to_local('min(queue_log.event_time_utc)') }} from queue_log) as first_event_local,
        (select {{ to_local('max(queue_log.event_time_utc)') }} from queue_log) as last_event_local
    from file_days

),

span_days as (

    select
        day,
        0 as lines,
        hash('start', first_day, first_event_local)::hugeint as fingerprint
    from queue_log_span, unnest([first_day, cast(first_event_local as date)]) as t (day)
    where day is not null
    union all
    select
        day,
        0 as lines,
        hash('end', last_day, last_event_local)::hugeint as fingerprint
    from queue_log_span, unnest([last_day, cast(last_event_local as date)]) as t (day)
    where day is not null

),

-- each day's interface lines (SIP/1001) and the names they stand for then, clipped to the
-- day's first and last such line: the sum changes exactly when one of them is renamed
interface_days as (

    select
        agent as member_interface,
        cast({{ to_local('event_time_utc') }} as date) as day,
        min(event_time_utc) as first_utc,
        max(event_time_utc) as last_utc
    from queue_log
    where agent like '%/%'
    group by all

),

alias_days as (

    select
        interface_days.day,
        0 as lines,
        sum(hash(
            interface_days.member_interface,
            agent_aliases.member_name,
            greatest(agent_aliases.valid_from_utc, interface_days.first_utc),
            least(agent_aliases.valid_to_utc, interface_days.last_utc)
        ))::hugeint as fingerprint
    from interface_days
    inner join agent_aliases
        on
            interface_days.member_interface = agent_aliases.member_interface
            and (agent_aliases.valid_from_utc is null or interface_days.last_utc >= agent_aliases.valid_from_utc)
            and (agent_aliases.valid_to_utc is null or interface_days.first_utc < agent_aliases.valid_to_utc)
    group by interface_days.day

),

cdr_days as (

    select
        'asterisk_cdr' as source,
        cast({{ to_local('start_utc') }} as date) as day,
        count(*) as lines,
        sum(hash(cdr))::hugeint as fingerprint
    from cdr
    group by all

),

call_detail_days as (

    select
        'call_detail' as source,
        cast({{ to_local('coalesce(entered_queue_at_utc, answered_at_utc, arrived_at_utc)') }} as date) as day,
        count(*) as lines,
        sum(hash(call_detail))::hugeint as fingerprint
    from call_detail
    group by all

),

queue_log_days as (

    select
        'asterisk_queue_log' as source,
        day,
        sum(lines)::bigint as lines,
        sum(fingerprint)::hugeint as fingerprint
    from (
        select * from line_days
        union all
        select * from coverage_days
        union all
        select * from end_days
        union all
        select * from span_days
        union all
        select * from alias_days
    ) as day_parts
    group by all

),

final as (

    select * from queue_log_days
    union all
    select * from cdr_days
    union all
    select * from call_detail_days

)

select * from final
