with

source as (

    select * from {{ source('raw', 'landing_files') }}

),

final as (

    select
        source,
        file_path,
        sha256,
        size_bytes,
        rows_read,
        rows_loaded,
        rows_rejected,
        {{ to_local('first_event_utc') }}::date as first_event_date,
        {{ to_local('last_event_utc') }}::date as last_event_date,
        loaded_at as loaded_at_utc
    from source

)

select * from final
