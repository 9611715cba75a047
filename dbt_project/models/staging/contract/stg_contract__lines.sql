with

source as (

    select * from {{ source('raw', 'contract_lines') }}

),

final as (

    select
        line_code,
        line_name,
        direction,
        service_level_seconds,
        service_level_target,
        service_level_denominator,
        short_abandon_seconds,
        abandon_rate_target,
        asa_target_seconds,
        contracted_positions
    from source

)

select * from final
