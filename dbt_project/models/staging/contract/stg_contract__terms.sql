with

source as (

    select * from {{ source('raw', 'contract_terms') }}

),

final as (

    select
        line_code,
        term_code,
        term_name,
        metric,
        unit,
        comparison,
        threshold,
        threshold_unit,
        target,
        period,
        denominator_variant,
        outage_exclusion,
        effective_from,
        effective_to,
        penalty_percent_per_point,
        penalty_cap_percent,
        assumption
    from source

)

select * from final
