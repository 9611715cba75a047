{#- Every contract term in force, per line and month: the term's version, the penalty rule
    of that month and the term's own overrides. Months run from the first to the last month
    in which any source the line needs delivered data, so a month with no data at all still
    gets its rows (and is marked not certifiable). -#}
with

terms as (

    select * from {{ ref('stg_contract__terms') }}

),

versions as (

    select * from {{ ref('stg_contract__versions') }}

),

penalties as (

    select * from {{ ref('stg_contract__penalties') }}

),

lines as (

    select * from {{ ref('stg_contract__lines') }}

),

line_sources as (

    select * from {{ ref('int_line_sources') }}

),

files as (

    select * from {{ ref('stg_manifest__landing_files') }}

),

-- up to the end of the data: an open case counts in the month its source's data end
line_months as (

    select
        line_sources.line_code,
        date_trunc('month', min(files.first_event_date))::date as first_month,
        date_trunc('month', greatest(max(files.last_event_date), max(data_end.data_end_date)))::date as last_month
    from line_sources
    inner join files on line_sources.source = files.source
    left join {{ ref('int_source_data_end') }} as data_end on line_sources.source = data_end.source
    where files.first_event_date is not null
    group by line_sources.line_code

),

months as (

    select
        line_months.line_code,
        month.month::date as report_month
    from line_months,
        lateral unnest(generate_series(line_months.first_month, line_months.last_month, interval 1 month))
            as month (month)

),

final as (

    select
        months.line_code,
        months.report_month,
        lines.direction,
        terms.term_code,
        terms.term_name,
        terms.metric,
        terms.unit,
        terms.comparison,
        terms.threshold,
        terms.threshold_unit,
        terms.target,
        terms.period,
        terms.denominator_variant,
        terms.outage_exclusion,
        terms.effective_from as term_effective_from,
        versions.contract_version,
        coalesce(terms.penalty_percent_per_point, penalties.percent_per_point, 0) as penalty_percent_per_point,
        coalesce(terms.penalty_cap_percent, penalties.term_cap_percent) as penalty_cap_percent,
        penalties.line_cap_percent as line_penalty_cap_percent
    from months
    inner join lines on months.line_code = lines.line_code
    inner join terms
        on
            months.line_code = terms.line_code
            and months.report_month >= terms.effective_from
            and (terms.effective_to is null or months.report_month < terms.effective_to)
    left join versions
        on
            months.report_month >= versions.effective_from
            and (versions.effective_to is null or months.report_month < versions.effective_to)
    left join penalties
        on
            months.report_month >= penalties.effective_from
            and (penalties.effective_to is null or months.report_month < penalties.effective_to)

)

select * from final
