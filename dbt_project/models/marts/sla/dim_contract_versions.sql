{#- The contract's versions (amendments) and the file they were read from. -#}
with

versions as (

    select * from {{ ref('stg_contract__versions') }}

),

final as (

    select
        contract_version,
        effective_from,
        effective_to,
        description,
        contract_name,
        contract_file_sha256
    from versions

)

select * from final
