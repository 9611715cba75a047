{#- Per line, day and contract term: the term's figure that day, raw and after
    outage exclusions (days with volume only), so a dashboard can show where a month
    was lost. -#}
with

units as (

    select * from {{ ref('fct_sla_units') }}

),

terms as (

    select * from {{ ref('int_sla_terms_monthly') }}

),

summed as (

    {{ sla_unit_sums(['report_date']) }}

),

final as (

    select
        summed.line_code || '|' || strftime(summed.report_date, '%Y-%m-%d') || '|' || summed.term_code
            as compliance_day_key,
        summed.line_code,
        summed.report_month,
        summed.report_date,
        summed.term_code,
        terms.term_name,
        terms.metric,
        terms.unit,
        terms.comparison,
        terms.target,
        {{ sla_figure_columns('summed', 'terms') }}
    from summed
    inner join terms
        on
            summed.line_code = terms.line_code
            and summed.term_code = terms.term_code
            and summed.report_month = terms.report_month

)

select * from final
