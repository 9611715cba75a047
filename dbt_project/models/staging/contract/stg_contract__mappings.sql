with

source as (

    select * from {{ source('raw', 'contract_mappings') }}

),

final as (

    select
        kind,
        value,
        line_code
    from source

)

select * from final
