{#- Open cases at the end of each local day, with their age in business hours at that
    moment: one row per case and day from its creation until the day it was resolved
    (exclusive) or the last day of its line's available data. A case closed without a
    resolution (the contract's case states) leaves the backlog at its close.
    - The end of a case's data is its landing source's (int_source_data_end: crm ->
      crm_cases, otrs -> otrs_tickets), or a later event the cases themselves carry (a CRM
      file's manifest ends at its latest creation, yet the file also holds later responses
      and resolutions). The age is taken at the end of the day, or at that end when it comes
      first: a case open for two business hours when its files stop is two hours old, and
      stays so on any later day, since its source cannot tell more.
    - The rows run to the last day of any of the line's sources (int_line_sources: a queue
      line's queue_log runs a few hours past the CRM export), so the backlog's ages are
      there on every day the KPI marts show its stock. -#}
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

case_events as (

    select
        source_system,
        max(greatest(created_at_local, first_response_at_local, resolved_at_local, closed_at_local))
            as latest_event_local
    from cases
    group by source_system

),

source_ends as (

    select
        case_events.source_system,
        greatest(case_events.latest_event_local, source_data_end.data_end_local) as data_end_local
    from case_events
    left join source_data_end
        on
            source_data_end.source = case case_events.source_system
                when 'crm' then 'crm_cases'
                when 'otrs' then 'otrs_tickets'
                else case_events.source_system
            end

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
        source_ends.data_end_local,
        cast(greatest(source_ends.data_end_local, line_ends.data_end_local) as date) as last_day
    from cases
    inner join source_ends on cases.source_system = source_ends.source_system
    left join line_ends on cases.line_code = line_ends.line_code

),

case_days as (

    select
        cases.case_key,
        cases.line_code,
        cases.motive,
        cases.created_at_local,
        cases.ended_at_local,
        calendar.day,
        -- business microseconds of this day after the case was created and before the data ended
        case when calendar.is_business_day then greatest(
            0,
            epoch_us(least(calendar.window_end, horizon.data_end_local))
            - epoch_us(greatest(cases.created_at_local, calendar.window_start))
        ) else 0 end as business_us_that_day
    from cases
    inner join horizon on cases.case_key = horizon.case_key
    inner join calendar
        on
            cases.line_code = calendar.line_code
            and calendar.day between cast(cases.created_at_local as date)
            and coalesce(cast(cases.ended_at_local as date), horizon.last_day)

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
    -- still open at the end of the day
    where ended_at_local is null or ended_at_local >= day + interval 1 day

)

select * from final
