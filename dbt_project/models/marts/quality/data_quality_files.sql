{#- The landing manifest without personal data: every loaded file with its hash, so a
    report can name (and fingerprint) exactly the files its figures come from. Not when it
    was loaded: the same files give the same rows in every build. -#}
with

files as (

    select * from {{ ref('stg_manifest__landing_files') }}

),

final as (

    select
        file_path,
        source,
        sha256,
        size_bytes,
        rows_read,
        rows_loaded,
        rows_rejected,
        first_event_date,
        last_event_date,
        modified_at_utc
    from files

)

select * from final
