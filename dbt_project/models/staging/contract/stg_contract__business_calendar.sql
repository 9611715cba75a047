{#- Business windows as local timestamps; '24:00' closes at the next midnight. -#}
with

source as (

    select * from {{ source('raw', 'business_calendar') }}

),

final as (

    select
        line_code,
        day,
        is_business_day,
        holiday_name,
        case when is_business_day then day + cast(open_time || ':00' as time) end as window_start,
        case
            when not is_business_day then null
            when close_time = '24:00' then cast(day + interval 1 day as timestamp)
            else day + cast(close_time || ':00' as time)
        end as window_end
    from source

)

select * from final
