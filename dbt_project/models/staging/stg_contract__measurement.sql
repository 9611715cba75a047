{#- One row: the contract's call measurement settings (measurement.calls), with the
    documented defaults when the file does not set them. -#}
with

source as (

    select * from {{ source('raw', 'contract_measurement') }}

),

final as (

    select
        coalesce(max(value) filter (where name = 'lost_record_after_minutes'), 240)::integer
            as lost_record_after_minutes,
        coalesce(max(value) filter (where name = 'lost_record_max_share'), 0.001) as lost_record_max_share
    from source

)

select * from final
