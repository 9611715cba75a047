{#- Every term of the contract file with the months it covers (effective_to exclusive). -#}
with

terms as (

    select * from {{ ref('stg_contract__terms') }}

),

versions as (

    select distinct contract_file_sha256 from {{ ref('stg_contract__versions') }}

),

final as (

    select
        terms.line_code || '|' || terms.term_code || '|' || strftime(terms.effective_from, '%Y-%m') as term_key,
        terms.line_code,
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
        terms.effective_from,
        terms.effective_to,
        terms.penalty_percent_per_point,
        terms.penalty_cap_percent,
        terms.assumption,
        versions.contract_file_sha256
    from terms
    cross join versions

)

select * from final
