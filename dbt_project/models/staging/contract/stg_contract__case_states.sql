{#- One row per source system and state: the contract's resolution class of each ticket or
    case state (measurement.case_states). States are compared in lower case, trimmed. -#}
with

source as (

    select * from {{ source('raw', 'contract_case_states') }}

),

final as (

    select
        source_system,
        lower(trim(state)) as state,
        resolution_class
    from source

)

select * from final
