{#- One row per line, month, landing file and the role the file played in the month's
    settlement: the files the audit report's inputs fingerprint names (reports/fingerprint.py).
    - unit: the file holds a row that a unit of the month was computed from
      (int_sla_unit_files: a call's events, a case, a post and the reply that answered it,
      the agent events behind a staffed interval, the outage that excluded a unit);
    - coverage: a file of a source the line is measured from (int_line_sources) that covers a
      day of the month, as data_quality_daily counts it (first to last event; a file without
      events but with rejected lines on the day it was loaded): it decides the days without
      data or with rejects;
    - closing: per source of the line, the file that closes the month
      (sla_compliance_monthly: a month is closed when every source has data past its end):
      the files whose last event is the earliest at or after the month's end; when no file
      reaches it yet, the files holding the source's data end (int_source_data_end), which
      keep the month open.
    Loading a later, unrelated file adds no row to a closed month. -#}
with

terms as (

    select * from {{ ref('int_sla_terms_monthly') }}

),

unit_files as (

    select * from {{ ref('int_sla_unit_files') }}

),

line_sources as (

    select * from {{ ref('int_line_sources') }}

),

manifest as (

    select * from {{ source('raw', 'landing_files') }}

),

months as (

    select distinct
        line_code,
        report_month,
        report_month + interval 1 month as next_month
    from terms

),

files as (

    select
        source,
        file_path,
        sha256,
        {{ to_local('first_event_utc') }}::date as first_event_date,
        {{ to_local('last_event_utc') }} as last_event_local,
        {{ to_local('last_event_utc') }}::date as last_event_date,
        {{ to_local('loaded_at') }}::date as loaded_date,
        first_event_utc is not null as has_events,
        rows_rejected
    from manifest

),

unit_role as (

    select
        unit_files.line_code,
        unit_files.report_month,
        unit_files.file_path,
        'unit' as role,
        count(distinct unit_files.unit_kind || '|' || unit_files.unit_key) as units
    from unit_files
    inner join months
        on unit_files.line_code = months.line_code and unit_files.report_month = months.report_month
    group by all

),

coverage_role as (

    select
        months.line_code,
        months.report_month,
        files.file_path,
        'coverage' as role,
        null::bigint as units
    from months
    inner join line_sources on months.line_code = line_sources.line_code
    inner join files on line_sources.source = files.source
    where
        (
            files.has_events
            and files.first_event_date < months.next_month
            and files.last_event_date >= months.report_month
        )
        or (
            not files.has_events
            and files.rows_rejected > 0
            and files.loaded_date >= months.report_month
            and files.loaded_date < months.next_month
        )

),

-- the instant a source must reach for the month to be closed
closing_instants as (

    select
        months.line_code,
        months.report_month,
        line_sources.source,
        months.next_month::timestamp as closes_at
    from months
    inner join line_sources on months.line_code = line_sources.line_code

),

source_ends as (

    select
        source,
        max(last_event_local) as data_end_local
    from files
    where has_events
    group by source

),

-- per source, the earliest last event at or after that instant, else the data's end
closing_targets as (

    select
        closing_instants.line_code,
        closing_instants.report_month,
        closing_instants.source,
        coalesce(
            min(files.last_event_local) filter (where files.last_event_local >= closing_instants.closes_at),
            any_value(source_ends.data_end_local)
        ) as closing_event_local
    from closing_instants
    inner join source_ends on closing_instants.source = source_ends.source
    inner join files on closing_instants.source = files.source and files.has_events
    group by all

),

closing_role as (

    select
        closing_targets.line_code,
        closing_targets.report_month,
        files.file_path,
        'closing' as role,
        null::bigint as units
    from closing_targets
    inner join files
        on
            closing_targets.source = files.source
            and closing_targets.closing_event_local = files.last_event_local

),

roles as (

    select * from unit_role
    union all
    select * from coverage_role
    union all
    select * from closing_role

),

final as (

    select
        roles.line_code || '|' || strftime(roles.report_month, '%Y-%m') || '|' || roles.role || '|'
        || roles.file_path as sla_input_file_key,
        roles.line_code,
        roles.report_month,
        roles.role,
        files.source,
        roles.file_path,
        files.sha256,
        roles.units
    from roles
    inner join files on roles.file_path = files.file_path

)

select * from final
