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

)

select * from final
