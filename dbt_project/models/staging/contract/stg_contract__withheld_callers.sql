{#- One row per caller id that names no caller (measurement.withheld_caller_ids): what a PBX
    or carrier writes for a withheld or unknown number. Such a call gets no caller key, so
    it is never matched to another withheld call as a repeat contact. Compared trimmed and
    in lower case. -#}
with

source as (

    select * from {{ source('raw', 'contract_withheld_callers') }}

),

final as (

    select distinct lower(trim(caller_id)) as caller_id
    from source

)

select * from final
