{#- One row per landing file in the manifest, with local first/last event dates. The time
    the file was loaded stays in raw: nothing downstream may depend on when a build ran;
    the file's own modification time stands in where a date outside its events is needed. -#}
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
        modified_at as modified_at_utc
    from source

)

select * from final
