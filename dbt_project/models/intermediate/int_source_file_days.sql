{#- One row per landing file and local day the file vouches for: the days it holds loaded
    events of, the day of an empty delivery, and the days its rejected lines belong to.
    Completeness (data_quality_daily) and the fingerprint's coverage role (sla_input_files)
    read these rows, so that a day counts as delivered only on evidence of that day.
    - A day's event, per source: a queue_log line (its time); a CDR record or a call-detail
      row (the call's start, as the manifest dates the file); a CRM case's creation, first
      response, resolution and closing; an OTRS ticket's creation and each history entry; a
      tweet of a page's data (not the referenced tweets); a Facebook post's or comment's
      creation; an outage's start. A growing file (Master.csv) thus vouches only for the days
      it has events on: a quiet day inside it cannot be told from a PBX that was down, and
      counts as a gap.
    - An empty delivery (no line loaded or rejected, or loaded rows none of which is an
      event, e.g. a page of users only) vouches for the day its name carries (the first
      YYYYMMDD or YYYY-MM-DD in the file name: queue_log-20240301, cases-2024-03-01.csv),
      else for the local day it was last modified. An export written just after midnight then
      vouches for the next day, never for the quiet day: the error can only hide a day.
    - A rejected line belongs to the day it can be read to be of: a flat queue_log line
      starting with its epoch seconds. The lines whose day cannot be read (other sources, a
      garbled time) count on every day the file vouches for by events or delivery. -#}
with

manifest as (

    select * from {{ ref('stg_manifest__landing_files') }}

),

queue_log as (

    select * from {{ source('raw', 'asterisk_queue_log') }}

),

cdr as (

    select * from {{ source('raw', 'asterisk_cdr') }}

),

call_detail as (

    select * from {{ source('raw', 'call_detail') }}

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

tweets as (

    select * from {{ source('raw', 'twitter_tweets') }}

),

facebook_posts as (

    select * from {{ source('raw', 'facebook_posts') }}

),

facebook_comments as (

    select * from {{ source('raw', 'facebook_comments') }}

),

outages as (

    select * from {{ source('raw', 'outages') }}

),

quarantine as (

    select * from {{ source('raw', 'quarantine') }}

),

event_times as (

    select
        file_path,
        event_time_utc as event_utc
    from queue_log

    union all

    select
        file_path,
        start_utc as event_utc
    from cdr

    union all

    select
        file_path,
        coalesce(arrived_at_utc, entered_queue_at_utc) as event_utc
    from call_detail

    union all

    select
        crm_cases.file_path,
        case_times.event_utc
    from crm_cases,
        lateral unnest([
            crm_cases.created_at_utc,
            crm_cases.first_response_at_utc,
            crm_cases.resolved_at_utc,
            crm_cases.closed_at_utc
        ]) as case_times (event_utc)

    union all

    select
        file_path,
        created_at_utc as event_utc
    from otrs_tickets

    union all

    select
        file_path,
        created_at_utc as event_utc
    from otrs_history

    union all

    select
        file_path,
        created_at_utc as event_utc
    from tweets
    where part = 'data'

    union all

    select
        file_path,
        created_at_utc as event_utc
    from facebook_posts

    union all

    select
        file_path,
        created_at_utc as event_utc
    from facebook_comments

    union all

    select
        file_path,
        start_utc as event_utc
    from outages

),

event_quarters as (

    select
        file_path,
        {{ utc_quarter_hour('event_utc') }} as quarter_utc,
        count(*) as events
    from event_times
    where event_utc is not null
    group by all

),

event_days as (

    select
        file_path,
        {{ to_local('quarter_utc') }}::date as report_date,
        sum(events) as events
    from event_quarters
    group by all

),

-- a flat queue_log line starts with its epoch seconds even when the rest is garbled
rejected_epochs as (

    select
        file_path,
        case
            when source = 'asterisk_queue_log'
                then try_cast(regexp_extract(raw_text, '^ *([0-9]{9,10})([.][0-9]*)?[|]', 1) as bigint)
        end as epoch_seconds
    from quarantine

),

rejected_lines as (

    select
        file_path,
        {{ to_local('epoch_ms(1000 * epoch_seconds)') }}::date as report_date
    from rejected_epochs

),

placed_rejects as (

    select
        file_path,
        report_date,
        count(*) as rows_rejected
    from rejected_lines
    where report_date is not null
    group by all

),

placed_per_file as (

    select
        file_path,
        sum(rows_rejected) as rows_rejected
    from placed_rejects
    group by file_path

),

files_with_events as (

    select distinct file_path from event_days

),

-- the date a file's name carries: the first YYYYMMDD or YYYY-MM-DD of its base name
named_dates as (

    select
        file_path,
        try_strptime(
            replace(regexp_extract(regexp_extract(file_path, '[^/]*$'), '20[0-9]{2}-?[01][0-9]-?[0-3][0-9]'), '-', ''),
            '%Y%m%d'
        )::date as name_date
    from manifest

),

files as (

    select
        manifest.source,
        manifest.file_path,
        manifest.rows_rejected,
        greatest(manifest.rows_rejected - coalesce(placed_per_file.rows_rejected, 0), 0) as unplaced_rejects,
        files_with_events.file_path is not null as has_events,
        coalesce(named_dates.name_date, {{ to_local('manifest.modified_at_utc') }}::date) as delivery_date
    from manifest
    inner join named_dates on manifest.file_path = named_dates.file_path
    left join placed_per_file on manifest.file_path = placed_per_file.file_path
    left join files_with_events on manifest.file_path = files_with_events.file_path

),

-- the days a file vouches for: its event days; without events, its delivery day when it
-- was delivered empty or holds rejects whose day cannot be read
vouched_days as (

    select
        files.file_path,
        event_days.report_date,
        event_days.events,
        true as is_delivered
    from files
    inner join event_days on files.file_path = event_days.file_path

    union all

    select
        file_path,
        delivery_date as report_date,
        0 as events,
        rows_rejected = 0 as is_delivered
    from files
    where not has_events and (rows_rejected = 0 or unplaced_rejects > 0)

),

file_days as (

    select
        file_path,
        report_date,
        events,
        is_delivered,
        true as takes_unplaced_rejects
    from vouched_days

    union all

    -- days named only by a rejected line
    select
        file_path,
        report_date,
        0 as events,
        false as is_delivered,
        false as takes_unplaced_rejects
    from placed_rejects
    where not exists (
        select 1 from vouched_days
        where
            vouched_days.file_path = placed_rejects.file_path
            and vouched_days.report_date = placed_rejects.report_date
    )

),

final as (

    select
        files.source || '|' || file_days.file_path || '|' || strftime(file_days.report_date, '%Y-%m-%d')
            as source_file_day_key,
        files.source,
        file_days.file_path,
        file_days.report_date,
        file_days.events,
        file_days.is_delivered,
        coalesce(placed_rejects.rows_rejected, 0)
        + case when file_days.takes_unplaced_rejects then files.unplaced_rejects else 0 end as rows_rejected
    from file_days
    inner join files on file_days.file_path = files.file_path
    left join placed_rejects
        on file_days.file_path = placed_rejects.file_path and file_days.report_date = placed_rejects.report_date

)

select * from final
