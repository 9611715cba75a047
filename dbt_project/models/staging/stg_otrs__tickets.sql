{#- One row per OTRS ticket (latest response wins), local times, the line through the
    contract's OTRS queues; the customer as a keyed pseudonym. -#}
with

source as (

    select * from {{ source('raw', 'otrs_tickets') }}

),

reopenings as (

    select
        ticket_id,
        count(distinct entry_no) filter (where is_reopen) as reopen_count
    from {{ source('raw', 'otrs_history') }}
    group by ticket_id

),

deduplicated as (

    select *
    from source
    qualify row_number() over (partition by ticket_id order by changed_at_utc desc nulls last, file_path desc) = 1

),

final as (

    select
        'otrs:' || deduplicated.ticket_id as case_key,
        'otrs' as source_system,
        coalesce(deduplicated.ticket_number, cast(deduplicated.ticket_id as varchar)) as case_id,
        coalesce(deduplicated.line_code, '{{ var("unmapped_line") }}') as line_code,
        deduplicated.queue as crm_queue,
        deduplicated.motive,
        'otrs' as channel,
        {{ pseudonymize('deduplicated.customer_id') }} as customer_key,
        null::varchar as origin_call_id,
        null::varchar as origin_social_id,
        {{ to_local('deduplicated.created_at_utc') }} as created_at_local,
        {{ to_local('deduplicated.first_response_at_utc') }} as first_response_at_local,
        {{ to_local('deduplicated.closed_at_utc') }} as resolved_at_local,
        {{ to_local('deduplicated.closed_at_utc') }} as closed_at_local,
        deduplicated.state as status,
        coalesce(reopenings.reopen_count, 0) as reopen_count,
        null::varchar as outcome,
        deduplicated.owner as agent
    from deduplicated
    left join reopenings on deduplicated.ticket_id = reopenings.ticket_id

)

select * from final
