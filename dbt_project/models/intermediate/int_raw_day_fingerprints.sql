{#- One row per landing source and local day the incremental models rebuild by: a fingerprint
    of everything of that day they read, so that comparing it with the last complete build's
    (int_rebuild_days) names exactly the days whose data changed. Grain: source, day.
    - asterisk_queue_log: every loaded line of the day (file, line and every field: a line
      added, removed, changed or moved to a rotated file changes it), the day's coverage rows
      (int_source_file_days: a late file, an empty delivery, a rejected line) and, on the day
      the queue_log's data ends, that end (pending calls become lost records as it moves).
    - asterisk_cdr: every loaded record (file, line and fields) on the local day it started.
    - call_detail: every loaded call (file, line and fields) on the local day it started
      (queue entry, else answer, else arrival: the day fct_calls counts it in).
    - outages: the window row staging keeps for each outage id (stg_noc__outages: the file
      modified last), with its file and line, on every local day from its start to its end (an
      open window: its start day). A window declared late, re-issued with other times or
      closed changes the days it covers now and, by leaving them, the days it covered before:
      the units that enter in a window are excluded by it (fct_sla_units).
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

)

select * from final
