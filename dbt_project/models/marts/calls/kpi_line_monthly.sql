{#- The KPIs per line and calendar month (local time), the period the contract settles: the
    daily counts summed, ratios recomputed from the sums; backlog stocks as at the month's
    last day. -#}
with

days as (

    select * from {{ ref('kpi_line_daily') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

summed as (

    select
        line_code,
        cast(date_trunc('month', report_date) as date) as report_month,
        count(*) as days,
        arg_max(backlog_end, report_date) as backlog_end,
        arg_max(backlog_age_0_8h, report_date) as backlog_age_0_8h,
        arg_max(backlog_age_8_24h, report_date) as backlog_age_8_24h,
        arg_max(backlog_age_24_72h, report_date) as backlog_age_24_72h,
        arg_max(backlog_age_over_72h, report_date) as backlog_age_over_72h,
        {{ kpi_sums() }}
    from days
    group by line_code, cast(date_trunc('month', report_date) as date)

),

final as (

    select
        summed.line_code || '|' || strftime(summed.report_month, '%Y-%m') as line_month_key,
        summed.line_code,
        lines.line_name,
        lines.direction,
        summed.report_month,
        summed.days,
        {{ kpi_columns('summed', 'lines', 'summed.days * 86400.0') }},
        summed.backlog_end,
        summed.backlog_age_0_8h,
        summed.backlog_age_8_24h,
        summed.backlog_age_24_72h,
        summed.backlog_age_over_72h
    from summed
    inner join lines on summed.line_code = lines.line_code

)

select * from final
