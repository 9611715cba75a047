{#- Open cases at the end of each local day, with their age in business hours at that
    moment: one row per case and day from its creation until the day it was resolved
    (exclusive) or the last day of data. -#}
with

cases as (

    select * from {{ ref('fct_cases') }}

),

calendar as (

    select * from {{ ref('stg_contract__business_calendar') }}

),

horizon as (

    select max(cast(created_at_local as date)) as last_day from cases

),

case_days as (

    select
        cases.case_key,
        cases.line_code,
        cases.motive,
        cases.created_at_local,
        cases.resolved_at_local,
        calendar.day,
        -- business seconds of this day that fall after the case was created
        case when calendar.is_business_day then greatest(
            0,
            epoch(calendar.window_end) - epoch(greatest(cases.created_at_local, calendar.window_start))
        ) else 0 end as business_seconds_that_day
    from cases
    cross join horizon
    inner join calendar
        on
            cases.line_code = calendar.line_code
            and calendar.day between cast(cases.created_at_local as date)
            and coalesce(cast(cases.resolved_at_local as date), horizon.last_day)

),

aged as (

    select
        *,
        sum(business_seconds_that_day) over (
            partition by case_key order by day rows unbounded preceding
        ) as age_business_seconds
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
