with

source as (

    select * from {{ source('raw', 'contract_targets') }}

),

final as (

    select
        line_code,
        kind,
        name,
        value
    from source

)

select * from final
