{#- One row per line, month, landing file and the role the file played in the month's
    settlement: the files the audit report's inputs fingerprint names (reports/fingerprint.py).
    - unit: the file holds a row that a unit of the month, or a queued call of it, was
      computed from (int_sla_unit_files: a call's events, a case, a post and the brand's
      replies to it, the agent events behind a staffed interval, the outage that excluded a
      unit);
    - coverage: a file of a source the line is measured from (int_line_sources) that marks a
      day of the month, as data_quality_daily counts it (int_source_file_days: a day it holds
      an event of, the day of an empty delivery, a day its rejected lines are placed on): it
      decides the days without data or with rejects;
    - closing: per source of the line, the file that closes the month
      (sla_compliance_monthly: a month is closed when every source has data past its end):
      the earliest last event at or after the month's end; and per source of the month's
      units decided by the data's end instead of an event (missed for want of an answer by
      fct_sla_units.due_at_local, or pending: deadline past the data; calls whose end was
      never logged, past entry + the contract's lost-record delay), the earliest file reaching
      max(month end, latest such deadline), measured as int_source_data_end measures the
      source's end (for case sources, the latest time a case row carries). While no file
      reaches an instant, the files holding the source's data end, which keep the month open
      or the unit pending.
    Loading a later file that plays none of these roles leaves the month's rows as they were. -#}
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

units as (

    select * from {{ ref('fct_sla_units') }}

),

calls as (

    select * from {{ ref('fct_calls') }}

),

cases as (

    select * from {{ ref('fct_cases') }}

),

social as (

    select * from {{ ref('fct_social_interactions') }}

),

measurement as (

    select * from {{ ref('stg_contract__measurement') }}

),

data_end as (

    select * from {{ ref('int_source_data_end') }}

),

file_days as (

    select * from {{ ref('int_source_file_days') }}

),

manifest as (

    select * from {{ source('raw', 'landing_files') }}

),

crm_rows as (

    select * from {{ source('raw', 'crm_cases') }}

),

otrs_rows as (

    select * from {{ source('raw', 'otrs_tickets') }}

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
        first_event_utc is not null as has_events
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

    select distinct
        months.line_code,
        months.report_month,
        file_days.file_path,
        'coverage' as role,
        null::bigint as units
    from months
    inner join line_sources on months.line_code = line_sources.line_code
    inner join file_days
        on
            line_sources.source = file_days.source
            and months.report_month <= file_days.report_date
            and months.next_month > file_days.report_date

),

-- how far each file reaches, as int_source_data_end measures a source's end: a case file
-- holds responses and closes later than its last creation
case_row_ends as (

    select
        file_path,
        max(greatest(created_at_utc, first_response_at_utc, resolved_at_utc, closed_at_utc)) as last_row_utc
    from crm_rows
    group by file_path

    union all

    select
        file_path,
        max(greatest(created_at_utc, first_response_at_utc, closed_at_utc, changed_at_utc)) as last_row_utc
    from otrs_rows
    group by file_path

),

reaches as (

    select
        files.source,
        files.file_path,
        files.last_event_local,
        greatest(files.last_event_local, {{ to_local('case_row_ends.last_row_utc') }}) as reach_local
    from files
    left join case_row_ends on files.file_path = case_row_ends.file_path
    where files.has_events or case_row_ends.last_row_utc is not null

),

-- the month is closed once every source has an event past its end
month_end_targets as (

    select
        months.line_code,
        months.report_month,
        line_sources.source,
        coalesce(
            min(reaches.last_event_local) filter (where reaches.last_event_local >= months.next_month),
            max(reaches.last_event_local)
        ) as closing_event_local
    from months
    inner join line_sources on months.line_code = line_sources.line_code
    inner join reaches on line_sources.source = reaches.source
    group by all

),

month_end_role as (

    select
        month_end_targets.line_code,
        month_end_targets.report_month,
        reaches.file_path
    from month_end_targets
    inner join reaches
        on
            month_end_targets.source = reaches.source
            and month_end_targets.closing_event_local = reaches.last_event_local

),

-- units whose state the data's end decided, with the source whose end decides it; a pending
-- unit's deadline lies past the data's end (fct_sla_units leaves it null): only the files at
-- the source's end can decide it
due_units as (

    select
        units.line_code,
        units.report_month,
        case
            when units.unit_kind = 'call' then {{ call_landing_source('calls.source_system') }}
            when units.unit_kind = 'case' then cases.landing_source
            when social.platform = 'twitter' then 'twitter_v2'
            when social.platform = 'facebook' then 'facebook_graph'
        end as source,
        coalesce(units.due_at_local, 'infinity'::timestamp) as due_at_local
    from units
    left join calls on units.unit_kind = 'call' and units.unit_key = calls.call_key
    left join cases on units.unit_kind = 'case' and units.unit_key = cases.case_key
    left join social on units.unit_kind = 'interaction' and units.unit_key = social.interaction_key
    where units.due_at_local is not null or units.unit_state = 'pending'

    union all

    -- a call whose end was never logged is a lost record once the data passes this instant
    select
        calls.line_code,
        date_trunc('month', calls.entered_date)::date as report_month,
        {{ call_landing_source('calls.source_system') }} as source,
        calls.entered_at_local + to_minutes(measurement.lost_record_after_minutes) as due_at_local
    from calls
    cross join measurement
    where calls.outcome = 'lost_record'

),

due_instants as (

    select
        months.line_code,
        months.report_month,
        due_units.source,
        greatest(any_value(months.next_month)::timestamp, max(due_units.due_at_local)) as decided_at
    from due_units
    inner join months
        on due_units.line_code = months.line_code and due_units.report_month = months.report_month
    group by all

),

due_targets as (

    select
        due_instants.line_code,
        due_instants.report_month,
        due_instants.source,
        coalesce(
            min(reaches.reach_local) filter (where reaches.reach_local >= due_instants.decided_at),
            any_value(data_end.data_end_local)
        ) as closing_reach_local
    from due_instants
    inner join reaches on due_instants.source = reaches.source
    left join data_end on due_instants.source = data_end.source
    group by all

),

due_role as (

    select
        due_targets.line_code,
        due_targets.report_month,
        reaches.file_path
    from due_targets
    inner join reaches
        on
            due_targets.source = reaches.source
            and due_targets.closing_reach_local = reaches.reach_local

),

closing_role as (

    select
        line_code,
        report_month,
        file_path,
        'closing' as role,
        null::bigint as units
    from month_end_role
    union
    select
        line_code,
        report_month,
        file_path,
        'closing' as role,
        null::bigint as units
    from due_role

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
