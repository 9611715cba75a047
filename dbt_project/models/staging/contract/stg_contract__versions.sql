with

source as (

    select * from {{ source('raw', 'contract_versions') }}

),

final as (

    select
        contract_version,
        effective_from,
        effective_to,
        description,
        contract_name,
        contract_file_sha256
    from source

)

select * from final
