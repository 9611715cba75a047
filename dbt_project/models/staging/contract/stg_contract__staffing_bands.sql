with

source as (

    select * from {{ source('raw', 'contract_staffing') }}

),

final as (

    select
        line_code,
        effective_from,
        effective_to,
        weekday,
        cast(band_from as time) as band_from,
        case when band_to = '24:00' then time '23:59:59.999999' else cast(band_to as time) end as band_to,
        positions,
        holidays_owed
    from source

)

select * from final
