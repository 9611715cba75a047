with

source as (

    select * from {{ source('raw', 'contract_penalties') }}

),

final as (

    select
        effective_from,
        effective_to,
        percent_per_point,
        term_cap_percent,
        line_cap_percent
    from source

)

select * from final
