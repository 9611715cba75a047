{#- One row per OTRS ticket (latest response wins), local times, the line through the
    contract's OTRS queues; the customer as a keyed pseudonym. What its state means for the
    SLA is the contract's (measurement.case_states.otrs): "closed unsuccessful" is, by
    default, a close without resolution, never a resolution. A state the contract does not
    list counts as open. -#}
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

states as (

    select
        state,
        resolution_class
    from {{ ref('stg_contract__case_states') }}
    where source_system = 'otrs'

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
        case
            when states.resolution_class = 'resolved' then {{ to_local('deduplicated.closed_at_utc') }}
        end as resolved_at_local,
        {{ to_local('deduplicated.closed_at_utc') }} as closed_at_local,
        -- when the ticket stopped being worked: its successful close, or a close without one
        case
            when states.resolution_class in ('resolved', 'closed_unresolved', 'not_counted')
                then {{ to_local('coalesce(deduplicated.closed_at_utc, deduplicated.changed_at_utc)') }}
        end as ended_at_local,
        deduplicated.state as status,
        coalesce(states.resolution_class, 'open') as resolution_class,
        states.resolution_class is not null as is_state_mapped,
        coalesce(reopenings.reopen_count, 0) as reopen_count,
        null::varchar as outcome,
        deduplicated.owner as agent
    from deduplicated
    left join reopenings on deduplicated.ticket_id = reopenings.ticket_id
    left join states on lower(trim(deduplicated.state)) = states.state

)

select * from final
