{#- Per source and local day, from the source's first to its last marked day: the files
    that delivered the day and the events, lines and rejects behind it, as
    int_source_file_days attributes them. A day is covered when a file holds a loaded event
    of the source on it or was delivered empty for it (a quiet Sunday's export): a day
    inside a growing file without an event of the source is a gap (a day with queue calls
    but no CDR record is a gap for the CDR). Rejected lines count on the day they can be
    read to belong to, else on every day their file delivered. A file is late when last
    modified more than a day after the last day it delivered; lateness is judged by the
    file's own modification time (recorded in the manifest), never by when it was loaded: a
    rebuild from the same files, on any day, must give the same rows. For the queue_log, the
    queue entries with neither an answer nor an ending event, on the day they entered:
    pending (the data may still bring their end) and lost records (the PBX logged no end: a
    completeness fault, not the operator's miss). These count queue entries, as logged; the
    KPI marts count line contacts. Also for the queue_log, the agent sessions whose login or
    logout had to be inferred (int_agent_state_segments: at the edge of a gap in the files,
    from the agent's activity, or at the longest shift) on the day of the inferred change: that
    day's agent time rests on inference, so the day is not complete.
    And the answered, identified calls of the day taken for first-contact resolutions while
    their repeat window (fct_calls.repeat_contact_days after the call) reaches a day the
    source did not deliver: whether the caller called again then cannot be known, so the
    day's repeat rate rests on a missing day and the day is not complete. -#}
with

file_days as (

    select * from {{ ref('int_source_file_days') }}

),

manifest as (

    select * from {{ ref('stg_manifest__landing_files') }}

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

-- agent sessions with an inferred login or logout, on the day of the inferred change (a
-- logout at midnight belongs to the day it ends)
inferred_sessions as (

    select
        'asterisk_queue_log' as source,
        report_date,
        count(*) as agent_sessions_inferred
    from (
        select login_date as report_date
        from {{ ref('fct_agent_sessions') }}
        where login_evidence in ('file_gap', 'activity')
        union all
        select cast(greatest(login_at_local, logout_at_local - interval 1 second) as date) as report_date
        from {{ ref('fct_agent_sessions') }}
        where logout_evidence in ('file_gap', 'longest_shift')
    ) as inferred_changes
    group by all

),

files as (

    select
        manifest.file_path,
        manifest.rows_read,
        manifest.rows_loaded,
        {{ to_local('manifest.modified_at_utc') }}::date as modified_date,
        max(file_days.report_date) filter (where file_days.is_delivered) as last_delivered_date
    from manifest
    inner join file_days on manifest.file_path = file_days.file_path
    group by all

),

sources as (

    select
        source,
        min(report_date) as first_day,
        max(report_date) as last_day
    from file_days
    group by source

),

days as (

    select
        sources.source,
        day.day::date as report_date
    from sources,
        lateral unnest(generate_series(sources.first_day, sources.last_day, interval 1 day)) as day (day)

),

marked as (

    select
        days.source,
        days.report_date,
        count(file_days.file_path) filter (where file_days.is_delivered) as files,
        count(file_days.file_path) filter (where file_days.is_delivered and file_days.events = 0) as empty_files,
        coalesce(sum(file_days.events), 0) as events,
        coalesce(sum(files.rows_read), 0) as rows_read,
        coalesce(sum(files.rows_loaded), 0) as rows_loaded,
        coalesce(sum(file_days.rows_rejected), 0) as rows_rejected,
        count(file_days.file_path) filter (
            where file_days.is_delivered and files.modified_date > files.last_delivered_date + 1
        ) as late_files
    from days
    left join file_days
        on days.source = file_days.source and days.report_date = file_days.report_date
    left join files on file_days.file_path = files.file_path
    group by days.source, days.report_date

),

-- answered identified calls not found repeated whose repeat window reaches an uncovered day
repeat_unknown as (

    select
        {{ call_landing_source('calls.source_system') }} as source,
        calls.entered_date as report_date,
        count(*) as calls_repeat_unknown
    from {{ ref('fct_calls') }} as calls
    where
        calls.is_offered
        and calls.is_line_answered
        and calls.caller_key is not null
        and not calls.is_repeat_contact
        and calls.repeat_contact_days is not null
        and exists (
            select 1 from marked
            where
                marked.source = {{ call_landing_source('calls.source_system') }}
                and marked.files = 0
                and marked.report_date >= calls.entered_date
                and marked.report_date <= cast(calls.entered_at_local + to_days(calls.repeat_contact_days) as date)
        )
    group by all

),

final as (

    select
        marked.source || '|' || strftime(marked.report_date, '%Y-%m-%d') as data_quality_key,
        marked.source,
        marked.report_date,
        marked.files,
        marked.empty_files,
        marked.events,
        marked.rows_read,
        marked.rows_loaded,
        marked.rows_rejected,
        marked.late_files,
        marked.files > 0 as is_covered,
        marked.files > 0
        and marked.rows_rejected = 0
        and inferred_sessions.report_date is null
        and repeat_unknown.report_date is null as is_complete,
        coalesce(unended_calls.calls_pending, 0) as calls_pending,
        coalesce(unended_calls.calls_lost_record, 0) as calls_lost_record,
        coalesce(inferred_sessions.agent_sessions_inferred, 0) as agent_sessions_inferred,
        coalesce(repeat_unknown.calls_repeat_unknown, 0) as calls_repeat_unknown
    from marked
    left join unended_calls
        on marked.source = unended_calls.source and marked.report_date = unended_calls.report_date
    left join inferred_sessions
        on marked.source = inferred_sessions.source and marked.report_date = inferred_sessions.report_date
    left join repeat_unknown
        on marked.source = repeat_unknown.source and marked.report_date = repeat_unknown.report_date

)

select * from final
