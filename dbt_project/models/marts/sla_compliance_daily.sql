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

    select
        line_code,
        term_code,
        report_month,
        report_date,
        sum(numerator) as raw_numerator,
        sum(denominator) as raw_denominator,
        count(*) filter (where is_excluded) as excluded_units,
        coalesce(sum(numerator) filter (where not is_excluded), 0) as adjusted_numerator,
        coalesce(sum(denominator) filter (where not is_excluded), 0) as adjusted_denominator
    from units
    group by all

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
        summed.raw_numerator,
        summed.raw_denominator,
        {{ sla_value('summed.raw_numerator', 'summed.raw_denominator') }} as raw_value,
        summed.excluded_units,
        summed.adjusted_numerator,
        summed.adjusted_denominator,
        {{ sla_value('summed.adjusted_numerator', 'summed.adjusted_denominator') }} as adjusted_value,
        {{ sla_is_met(sla_value('summed.adjusted_numerator', 'summed.adjusted_denominator'),
                      'terms.comparison', 'terms.target', 'terms.unit') }} as is_met,
        {{ sla_margin(sla_value('summed.adjusted_numerator', 'summed.adjusted_denominator'),
                      'terms.comparison', 'terms.target') }} as margin
    from summed
    inner join terms
        on
            summed.line_code = terms.line_code
            and summed.term_code = terms.term_code
            and summed.report_month = terms.report_month

)

select * from final
