with

source as (

    select * from {{ source('raw', 'outages') }}

),

-- a re-issued outage file repeats a window: the latest loaded row wins
latest as (

    select *
    from source
    qualify row_number() over (partition by outage_id order by file_path desc, line_no desc) = 1

),

final as (

    select
        outage_id,
        start_local,
        end_local,
        area,
        array_to_string(services, ',') as services,
        end_local is null as is_open
    from latest

)

select * from final
