{#- One row: the contract's call and agent measurement settings (measurement.calls,
    measurement.agents), with the documented defaults when the file does not set them. -#}
with

source as (

    select * from {{ source('raw', 'contract_measurement') }}

),

final as (

    select
        coalesce(max(value) filter (where name = 'lost_record_after_minutes'), 240)::integer
            as lost_record_after_minutes,
        coalesce(max(value) filter (where name = 'lost_record_max_share'), 0.001) as lost_record_max_share,
        coalesce(max(value) filter (where name = 'longest_shift_hours'), 12) as longest_shift_hours
    from source

)

select * from final
