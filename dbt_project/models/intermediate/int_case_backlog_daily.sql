{#- Open cases at the end of each local day, with their age in business hours at that
    moment: one row per case and day from its creation until the day it was resolved
    (exclusive) or the last day of its line's available data. A case closed without a
    resolution (the contract's case states) leaves the backlog at its close.
    - The end of a case's data is its landing source's (int_source_data_end: crm ->
      crm_cases, otrs -> otrs_tickets; it holds the latest time any loaded case or ticket
      carries, since a CRM file's manifest ends at its latest creation, yet the file also
      holds later responses and resolutions). The age is taken at the end of the day, or at
      that end when it comes first: a case open for two business hours when its files stop is
      two hours old, and stays so on any later day, since its source cannot tell more.
    - The rows run to the last day of any of the line's sources (int_line_sources: a queue
      line's queue_log runs a few hours past the CRM export), so the backlog's ages are
      there on every day the KPI marts show its stock.
    Incremental by day (macros/rebuild_days.sql) with no reach: a case's rows lie on the days
    from its creation to its end, or to the horizon while it is open, and
    int_raw_day_fingerprints marks all those days, old span and new, when any export of the
    case changes; the days from the case source's data end to the horizon when any source's
    data end moves (the ages stop at the end, the rows run to the line's last day). A
    rebuilt day is computed from every case open on it, each aged from its creation. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='day',
    rebuild_sources=['crm_cases', 'otrs_tickets'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
with

cases as (

    select * from {{ ref('fct_cases') }}

),

calendar as (

    select * from {{ ref('stg_contract__business_calendar') }}

),

source_data_end as (

    select * from {{ ref('int_source_data_end') }}

),

line_sources as (

    select * from {{ ref('int_line_sources') }}

),

-- the calendar days this run rebuilds (every day on a full build): a backlog row is on a
-- calendar day of its line
rebuilt_days as (

    select
        min(day) as first_day,
        max(day) as last_day
    from calendar
    where {{ in_rebuild_days('day') }}

),

line_ends as (

    select
        line_sources.line_code,
        max(source_data_end.data_end_local) as data_end_local
    from line_sources
    inner join source_data_end on line_sources.source = source_data_end.source
    group by line_sources.line_code

),

horizon as (

    select
        cases.case_key,
        cases.line_code,
        cases.motive,
        cases.created_at_local,
        cases.ended_at_local,
        source_data_end.data_end_local,
        cast(greatest(source_data_end.data_end_local, line_ends.data_end_local) as date) as last_day
    from cases
    inner join source_data_end on cases.landing_source = source_data_end.source
    left join line_ends on cases.line_code = line_ends.line_code

),

-- the cases open on some day between the first and the last rebuilt day
rebuilt_cases as (

    select horizon.*
    from horizon
    cross join rebuilt_days
    where
        cast(horizon.created_at_local as date) <= rebuilt_days.last_day
        and coalesce(cast(horizon.ended_at_local as date), horizon.last_day) >= rebuilt_days.first_day

),

case_days as (

    select
        rebuilt_cases.case_key,
        rebuilt_cases.line_code,
        rebuilt_cases.motive,
        rebuilt_cases.created_at_local,
        rebuilt_cases.ended_at_local,
        calendar.day,
        -- business microseconds of this day after the case was created and before the data ended
        case when calendar.is_business_day then greatest(
            0,
            epoch_us(least(calendar.window_end, rebuilt_cases.data_end_local))
            - epoch_us(greatest(rebuilt_cases.created_at_local, calendar.window_start))
        ) else 0 end as business_us_that_day
    from rebuilt_cases
    inner join calendar
        on
            rebuilt_cases.line_code = calendar.line_code
            and calendar.day between cast(rebuilt_cases.created_at_local as date)
            and coalesce(cast(rebuilt_cases.ended_at_local as date), rebuilt_cases.last_day)

),

aged as (

    select
        *,
        sum(business_us_that_day) over (
            partition by case_key order by day rows unbounded preceding
        ) / 1000000 as age_business_seconds
    from case_days

),

final as (

    select
        case_key || '|' || strftime(day, '%Y-%m-%d') as case_day_key,
        case_key,
        line_code,
        motive,
        day,
        age_business_seconds
    from aged
    where
        -- still open at the end of the day
        (ended_at_local is null or ended_at_local >= day + interval 1 day)
        and {{ in_rebuild_days('day') }}

)

select * from final
