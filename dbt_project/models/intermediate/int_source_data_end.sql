{#- One row per landing source: the end of the available data, the latest event of any of
    its loaded files (raw.landing_files.last_event_utc) or, for the case sources, the latest
    time any loaded case or ticket carries (a CRM file's span ends at its latest creation,
    yet it holds later responses and closes), in local time. A deadline after
    this instant has not passed yet as far as the data can tell: a case, post or call still
    inside its time at the data's end is pending, not missed (DESIGN.md §5). Derived from
    the files only, never from the clock, so the same files give the same verdicts. -#}
with

files as (

    select * from {{ source('raw', 'landing_files') }}

),

record_ends as (

    select
        source,
        last_event_utc
    from files
    where last_event_utc is not null

    union all

    select
        'crm_cases' as source,
        max(greatest(created_at_utc, first_response_at_utc, resolved_at_utc, closed_at_utc)) as last_event_utc
    from {{ source('raw', 'crm_cases') }}

    union all

    select
        'otrs_tickets' as source,
        max(greatest(created_at_utc, first_response_at_utc, closed_at_utc, changed_at_utc)) as last_event_utc
    from {{ source('raw', 'otrs_tickets') }}

),

final as (

    select
        source,
        {{ to_local('max(last_event_utc)') }} as data_end_local,
        cast({{ to_local('max(last_event_utc)') }} as date) as data_end_date
    from record_ends
    where last_event_utc is not null
    group by source

)

select * from final
