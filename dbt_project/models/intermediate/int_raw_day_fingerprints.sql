{#- One row per landing source and local day the incremental models rebuild by: a fingerprint
    of everything of that day they read, so that comparing it with the last complete build's
    (int_rebuild_days) names exactly the days whose data changed. Grain: source, day.
    - asterisk_queue_log: every loaded line of the day (file, line and every field: a line
      added, removed, changed or moved to a rotated file changes it), the day's coverage rows
      (int_source_file_days: a late file, an empty delivery, a rejected line) and, on the day
      the queue_log's data ends, that end (pending calls become lost records as it moves).
    Sums of 64-bit hashes are exact (HUGEINT) and independent of row order. -#}
with

queue_log as (

    select * from {{ source('raw', 'asterisk_queue_log') }}

),

file_days as (

    select * from {{ ref('int_source_file_days') }}
    where source = 'asterisk_queue_log'

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

final as (

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

)

select * from final
