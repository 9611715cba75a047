{#- One row per landing source: the end of the available data, the latest event of any of
    its loaded files (raw.landing_files.last_event_utc), in local time. A deadline after
    this instant has not passed yet as far as the data can tell: a case, post or call still
    inside its time at the data's end is pending, not missed (DESIGN.md §5). Derived from
    the files only, never from the clock, so the same files give the same verdicts. -#}
with

files as (

    select * from {{ source('raw', 'landing_files') }}

),

final as (

    select
        source,
        {{ to_local('max(last_event_utc)') }} as data_end_local,
        cast({{ to_local('max(last_event_utc)') }} as date) as data_end_date
    from files
    where last_event_utc is not null
    group by source

)

select * from final
