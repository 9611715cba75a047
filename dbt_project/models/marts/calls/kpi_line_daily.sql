{#- The KPIs per line and local day: interval counts summed, ratios recomputed from the
    sums (never an average of interval ratios); the backlog is the stock at the day's end,
    with its age in business hours. -#}
with

intervals as (

    select * from {{ ref('kpi_line_interval') }}

),

backlog_ages as (

    select * from {{ ref('int_case_backlog_daily') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

summed as (

    select
        line_code,
        report_date,
        count(*) as intervals,
        arg_max(backlog_end, interval_start) as backlog_end,
        {{ kpi_sums() }}
    from intervals
    group by line_code, report_date

),

ages as (

    select
        line_code,
        day as report_date,
        count(*) filter (where age_business_seconds < 8 * 3600) as backlog_age_0_8h,
        count(*) filter (where age_business_seconds >= 8 * 3600 and age_business_seconds < 24 * 3600)
            as backlog_age_8_24h,
        count(*) filter (where age_business_seconds >= 24 * 3600 and age_business_seconds < 72 * 3600)
            as backlog_age_24_72h,
        count(*) filter (where age_business_seconds >= 72 * 3600) as backlog_age_over_72h
    from backlog_ages
    group by line_code, day

),

final as (

    select
        summed.line_code || '|' || strftime(summed.report_date, '%Y-%m-%d') as line_day_key,
        summed.line_code,
        lines.line_name,
        lines.direction,
        summed.report_date,
        {{ kpi_columns('summed', 'lines', 'summed.intervals * ' ~ var("interval_minutes") ~ ' * 60.0') }},
        summed.backlog_end,
        coalesce(ages.backlog_age_0_8h, 0) as backlog_age_0_8h,
        coalesce(ages.backlog_age_8_24h, 0) as backlog_age_8_24h,
        coalesce(ages.backlog_age_24_72h, 0) as backlog_age_24_72h,
        coalesce(ages.backlog_age_over_72h, 0) as backlog_age_over_72h
    from summed
    inner join lines on summed.line_code = lines.line_code
    left join ages on summed.line_code = ages.line_code and summed.report_date = ages.report_date

)

select * from final
