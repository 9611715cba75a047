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
    - outages: the window row staging keeps for each outage id (stg_noc__outages: the file
      modified last), with its file and line, on every local day from its start to its end (an
      open window: its start day). A window declared late, re-issued with other times or
      closed changes the days it covers now and, by leaving them, the days it covered before:
      the units that enter in a window are excluded by it (fct_sla_units).
    - crm_cases, otrs_tickets: a case (CRM case id, OTRS ticket id with its history entries)
      counts on every local day it touches: from the creation of its earliest export to the
      latest time any export carries, or to the horizon (the last day of the case sources'
      or of any line's sources' data) when one of its exports may leave it open (a state the contract does not class as
      resolved, closed unresolved or not counted, or no close time). Every export of the case
      goes into one hash counted on all those days, so a later export, a replaced or removed
      one changes every day of the old and of the new span: the case's row (its creation
      day), its backlog rows (every day it is open) and whatever counts on its response or
      close. The days from the case source's data end to the horizon also carry those data
      ends (open cases' ages stop at the case source's end; their rows run to their line's
      last day of data), and each day its coverage rows (int_source_file_days).
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

outage_rows as (

    select * from {{ source('raw', 'outages') }}

),

manifest as (

    select * from {{ source('raw', 'landing_files') }}

),

agent_aliases as (

    select * from {{ ref('int_agent_aliases') }}

),

data_end as (

    select * from {{ ref('int_source_data_end') }}
    where source = 'asterisk_queue_log'

),

crm_cases as (

    select * from {{ source('raw', 'crm_cases') }}

),

otrs_tickets as (

    select * from {{ source('raw', 'otrs_tickets') }}

),

otrs_history as (

    select * from {{ source('raw', 'otrs_history') }}

),

case_states as (

    select * from {{ ref('stg_contract__case_states') }}

),

case_file_days as (

    select * from {{ ref('int_source_file_days') }}
    where source in ('crm_cases', 'otrs_tickets')

),

source_ends as (

    select * from {{ ref('int_source_data_end') }}

),

line_sources as (

    select * from {{ ref('int_line_sources') }}

),

-- per UTC quarter hour first: one time-zone conversion per quarter hour, not per line
line_quarters as (

    select
        {{ utc_quarter_hour('event_time_utc') }} as quarter_utc,
        count(*) as lines,
        sum(hash(file_path, line_no, event_time_utc, callid, queuename, agent, event, data))::hugeint
            as fingerprint
    from queue_log
    group by all

),

line_days as (

    select
        cast({{ to_local('quarter_utc') }} as date) as day,
        sum(lines) as lines,
        sum(fingerprint)::hugeint as fingerprint
    from line_quarters
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
interface_quarters as (

    select
        agent as member_interface,
        {{ utc_quarter_hour('event_time_utc') }} as quarter_utc,
        min(event_time_utc) as first_utc,
        max(event_time_utc) as last_utc
    from queue_log
    where agent like '%/%'
    group by all

),

interface_days as (

    select
        member_interface,
        cast({{ to_local('quarter_utc') }} as date) as day,
        min(first_utc) as first_utc,
        max(last_utc) as last_utc
    from interface_quarters
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

cdr_quarters as (

    select
        {{ utc_quarter_hour('start_utc') }} as quarter_utc,
        count(*) as lines,
        sum(hash(cdr))::hugeint as fingerprint
    from cdr
    group by all

),

cdr_days as (

    select
        'asterisk_cdr' as source,
        cast({{ to_local('quarter_utc') }} as date) as day,
        sum(lines) as lines,
        sum(fingerprint)::hugeint as fingerprint
    from cdr_quarters
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

-- the same winner as stg_noc__outages: the file modified last, then the later file and line
outages_kept as (

    select outage_rows.*
    from outage_rows
    left join manifest on outage_rows.file_path = manifest.file_path
    qualify row_number() over (
        partition by outage_rows.outage_id
        order by manifest.modified_at desc nulls last, outage_rows.file_path desc, outage_rows.line_no desc
    ) = 1

),

outage_days as (

    select
        'outages' as source,
        cast(unnest(generate_series(
            cast(start_local as date), cast(greatest(end_local, start_local) as date), interval 1 day
        )) as date) as day,
        1 as lines,
        hash(outages_kept)::hugeint as fingerprint
    from outages_kept

),

-- states after which a case stays closed: every class the contract gives them ends it
closing_states as (

    select
        source_system,
        state
    from case_states
    group by all
    having bool_and(resolution_class in ('resolved', 'closed_unresolved', 'not_counted'))

),

-- the last day an open case's backlog row can fall on (the last day of the case source's
-- data or of any source a line is measured from), and the data ends the open cases' rows
-- depend on
case_horizon as (

    select
        max(data_end_date) as day,
        hash(list((source, data_end_local) order by source)) as ends_hash
    from source_ends
    where
        source in ('crm_cases', 'otrs_tickets')
        or source in (select line_sources.source from line_sources)

),

-- each export's row as one hash: every field, its file and line
crm_rows as (

    select
        *,
        hash(crm_cases) as row_hash
    from crm_cases

),

otrs_rows as (

    select
        *,
        hash(otrs_tickets) as row_hash
    from otrs_tickets

),

case_exports as (

    select
        'crm_cases' as source,
        crm_cases.case_id,
        crm_cases.row_hash,
        cast({{ to_local('crm_cases.created_at_utc') }} as date) as first_day,
        cast(greatest(
            {{ to_local('crm_cases.created_at_utc') }},
            {{ to_local('crm_cases.first_response_at_utc') }},
            {{ to_local('crm_cases.resolved_at_utc') }},
            {{ to_local('crm_cases.closed_at_utc') }}
        ) as date) as last_event_day,
        closing_states.state is null
        or coalesce(crm_cases.resolved_at_utc, crm_cases.closed_at_utc) is null as may_stay_open
    from crm_rows as crm_cases
    left join closing_states
        on closing_states.source_system = 'crm' and lower(trim(crm_cases.status)) = closing_states.state

    union all

    select
        'otrs_tickets' as source,
        cast(otrs_tickets.ticket_id as varchar) as case_id,
        otrs_tickets.row_hash,
        cast({{ to_local('otrs_tickets.created_at_utc') }} as date) as first_day,
        cast(greatest(
            {{ to_local('otrs_tickets.created_at_utc') }},
            {{ to_local('otrs_tickets.first_response_at_utc') }},
            {{ to_local('otrs_tickets.closed_at_utc') }},
            {{ to_local('otrs_tickets.changed_at_utc') }}
        ) as date) as last_event_day,
        closing_states.state is null
        or coalesce(otrs_tickets.closed_at_utc, otrs_tickets.changed_at_utc) is null as may_stay_open
    from otrs_rows as otrs_tickets
    left join closing_states
        on closing_states.source_system = 'otrs' and lower(trim(otrs_tickets.state)) = closing_states.state

    union all

    -- a history entry (a reopening) changes its ticket's row, on the ticket's days
    select
        'otrs_tickets' as source,
        cast(ticket_id as varchar) as case_id,
        hash(otrs_history) as row_hash,
        null::date as first_day,
        null::date as last_event_day,
        false as may_stay_open
    from otrs_history

),

case_spans as (

    select
        case_exports.source,
        case_exports.case_id,
        sum(case_exports.row_hash)::hugeint as case_hash,
        min(case_exports.first_day) as first_day,
        max(
            case
                when case_exports.may_stay_open then greatest(case_exports.last_event_day, case_horizon.day)
                else case_exports.last_event_day
            end
        ) as last_day
    from case_exports
    cross join case_horizon
    group by case_exports.source, case_exports.case_id
    -- history entries of a ticket no export holds give no row
    having min(case_exports.first_day) is not null

),

-- each case adds its hash from its first day and takes it back the day after its last: a
-- running sum gives every day the hashes of the cases spanning it, in one pass
case_span_edges as (

    select
        source,
        first_day as day,
        1 as cases,
        case_hash as fingerprint
    from case_spans

    union all

    select
        source,
        cast(last_day + interval 1 day as date) as day,
        -1 as cases,
        -case_hash as fingerprint
    from case_spans

),

case_calendar as (

    select
        source,
        cast(unnest(generate_series(min(day), max(day), interval 1 day)) as date) as day
    from case_span_edges
    group by source

),

case_running as (

    select
        case_calendar.source,
        case_calendar.day,
        sum(coalesce(sum(case_span_edges.cases), 0)) over running as lines,
        sum(coalesce(sum(case_span_edges.fingerprint), 0)) over running as fingerprint
    from case_calendar
    left join case_span_edges
        on case_calendar.source = case_span_edges.source and case_calendar.day = case_span_edges.day
    group by case_calendar.source, case_calendar.day
    window running as (partition by case_calendar.source order by case_calendar.day rows unbounded preceding)

),

case_tail_days as (

    select
        source_ends.source,
        cast(unnest(generate_series(source_ends.data_end_date, case_horizon.day, interval 1 day)) as date)
            as day,
        0 as lines,
        case_horizon.ends_hash::hugeint as fingerprint
    from source_ends
    cross join case_horizon
    where source_ends.source in ('crm_cases', 'otrs_tickets')

),

case_coverage_days as (

    select
        source,
        report_date as day,
        0 as lines,
        sum(hash(file_path, events, is_delivered, rows_rejected))::hugeint as fingerprint
    from case_file_days
    group by all

),

case_days as (

    select
        source,
        day,
        sum(lines)::bigint as lines,
        sum(fingerprint)::hugeint as fingerprint
    from (
        -- days no case spans (between two cases' lives) add nothing
        select * from case_running
        where lines > 0
        union all
        select * from case_tail_days
        union all
        select * from case_coverage_days
    ) as day_parts
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
    union all
    select
        source,
        day,
        sum(lines)::bigint as lines,
        sum(fingerprint)::hugeint as fingerprint
    from outage_days
    group by all
    union all
    select * from case_days

)

select * from final
