{#- Open cases at the end of each local day, with their age in business hours at that
    moment: one row per case and day from its creation until the day it was resolved
    (exclusive) or the end of its source's available data. The end of the data is the
    landing source's (int_source_data_end: crm -> crm_cases, otrs -> otrs_tickets), or a
    later event the cases themselves carry (a CRM file's manifest ends at its latest
    creation, yet the file also holds later responses and resolutions), so the backlog
    and its ages reach every day the KPI marts show. On the data's last day the age is
    taken at the data's end, not at midnight: a case that has been open two business hours
    when the files stop is two hours old, whatever the rest of the day would have added. -#}
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

case_events as (

    select
        source_system,
        max(greatest(created_at_local, first_response_at_local, resolved_at_local, closed_at_local))
            as latest_event_local
    from cases
    group by source_system

),

horizon as (

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

case_days as (

    select
        cases.case_key,
        cases.line_code,
        cases.motive,
        cases.created_at_local,
        cases.resolved_at_local,
        calendar.day,
        -- business microseconds of this day after the case was created and before the data ended
        case when calendar.is_business_day then greatest(
            0,
            epoch_us(least(calendar.window_end, horizon.data_end_local))
            - epoch_us(greatest(cases.created_at_local, calendar.window_start))
        ) else 0 end as business_us_that_day
    from cases
    inner join horizon on cases.source_system = horizon.source_system
    inner join calendar
        on
            cases.line_code = calendar.line_code
            and calendar.day between cast(cases.created_at_local as date)
            and coalesce(cast(cases.resolved_at_local as date), cast(horizon.data_end_local as date))

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
    where resolved_at_local is null or resolved_at_local >= day + interval 1 day

)

select * from final
