{#- Declared massive-outage windows (NOC): the SLA exclusions. A window without an end
    excludes nothing until the NOC declares its end. -#}
with

outages as (

    select * from {{ ref('stg_noc__outages') }}

),

final as (

    select
        outage_id,
        start_local,
        end_local,
        area,
        services,
        is_open
    from outages

)

select * from final
