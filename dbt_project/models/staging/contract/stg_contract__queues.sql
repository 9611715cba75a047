with

source as (

    select * from {{ source('raw', 'contract_queues') }}

),

final as (

    select
        queue_name,
        line_code
    from source

)

select * from final
