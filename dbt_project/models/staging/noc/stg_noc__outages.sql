with

source as (

    select * from {{ source('raw', 'outages') }}

),

manifest as (

    select * from {{ source('raw', 'landing_files') }}

),

-- a re-issued outage file repeats a window: the row of the file modified last wins (its
-- own time, not when it was loaded, so a rebuild from the same files picks the same row)
latest as (

    select source.*
    from source
    left join manifest on source.file_path = manifest.file_path
    qualify row_number() over (
        partition by source.outage_id
        order by manifest.modified_at desc nulls last, source.file_path desc, source.line_no desc
    ) = 1

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
