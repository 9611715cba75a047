{#- Per source and local day: the files covering the day (a file covers every day from its
    first to its last event), the lines read, loaded and rejected in those files, and the
    late files: last modified more than a day after the last day they cover. A rejected
    line of a file that spans several days counts on each of them: the day it belongs to is
    unknown. Lateness is judged by the file's own modification time (recorded in the
    manifest), never by when it was loaded: a rebuild from the same files, on any day, must
    give the same rows. For the queue_log, the queue entries with neither an answer nor an
    ending event, on the day they entered: pending (the data may still bring their end) and
    lost records (the PBX logged no end: a completeness fault, not the operator's miss).
    These count queue entries, as logged; the KPI marts count line contacts. -#}
with

-- a file with no readable event (every line rejected) counts on the local day it was last
-- modified, the only date it carries
files as (

    select
        * replace (
            coalesce(first_event_date, {{ to_local('modified_at_utc') }}::date) as first_event_date,
            coalesce(last_event_date, {{ to_local('modified_at_utc') }}::date) as last_event_date
        ),
        first_event_date is not null as has_events,
        {{ to_local('modified_at_utc') }}::date as modified_date
    from {{ ref('stg_manifest__landing_files') }}
    where first_event_date is not null or rows_rejected > 0

),

-- queue entries whose end the queue_log does not hold, per day of entry
unended_calls as (

    select
        source_system as source,
        entered_date as report_date,
        count(*) filter (where outcome = 'pending') as calls_pending,
        count(*) filter (where outcome = 'lost_record') as calls_lost_record
    from {{ ref('fct_calls') }}
    where source_system = 'asterisk_queue_log' and outcome in ('pending', 'lost_record')
    group by all

),

sources as (

    select
        source,
        min(first_event_date) as first_day,
        max(last_event_date) as last_day
    from files
    where first_event_date is not null
    group by source

),

days as (

    select
        sources.source,
        day.day::date as report_date
    from sources,
        lateral unnest(generate_series(sources.first_day, sources.last_day, interval 1 day)) as day (day)

),

covering as (

    select
        days.source,
        days.report_date,
        count(files.file_path) filter (where files.has_events) as files,
        coalesce(sum(files.rows_read), 0) as rows_read,
        coalesce(sum(files.rows_loaded), 0) as rows_loaded,
        coalesce(sum(files.rows_rejected), 0) as rows_rejected,
        count(files.file_path) filter (
            where files.modified_date > files.last_event_date + 1
        ) as late_files
    from days
    left join files
        on
            days.source = files.source
            and days.report_date between files.first_event_date and files.last_event_date
    group by days.source, days.report_date

),

final as (

    select
        covering.source || '|' || strftime(covering.report_date, '%Y-%m-%d') as data_quality_key,
        covering.source,
        covering.report_date,
        covering.files,
        covering.rows_read,
        covering.rows_loaded,
        covering.rows_rejected,
        covering.late_files,
        covering.files > 0 as is_covered,
        covering.files > 0 and covering.rows_rejected = 0 as is_complete,
        coalesce(unended_calls.calls_pending, 0) as calls_pending,
        coalesce(unended_calls.calls_lost_record, 0) as calls_lost_record
    from covering
    left join unended_calls
        on covering.source = unended_calls.source and covering.report_date = unended_calls.report_date

)

select * from final
