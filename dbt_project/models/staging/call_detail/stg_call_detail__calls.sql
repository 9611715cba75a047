{#- Calls of other ACDs (call-detail CSVs through a mapping), local times, the customer as
    a keyed pseudonym (0, empty or a withheld caller id of measurement.withheld_caller_ids:
    not identified). PHANTOM (virtual) calls are kept here and
    flagged; the KPIs leave them out. -#}
with

source as (

    select * from {{ source('raw', 'call_detail') }}

),

withheld as (

    select * from {{ ref('stg_contract__withheld_callers') }}

),

final as (

    select
        mapping || ':' || file_path || ':' || call_id as call_key,
        call_id,
        mapping,
        line_code,
        queue,
        priority,
        case
            when
                nullif(trim(customer_id), '') is null
                or trim(customer_id) = '0'
                or lower(trim(customer_id)) in (select withheld.caller_id from withheld)
                then null
            else {{ pseudonymize('customer_id') }}
        end as customer_key,
        coalesce(entered_queue_at_utc, answered_at_utc, arrived_at_utc) as entered_at_utc,
        {{ to_local('arrived_at_utc') }} as arrived_at_local,
        {{ to_local('entered_queue_at_utc') }} as entered_queue_at_local,
        {{ to_local('answered_at_utc') }} as answered_at_local,
        {{ to_local('ended_at_utc') }} as ended_at_local,
        wait_seconds,
        service_seconds,
        outcome,
        agent,
        outcome = 'phantom' as is_phantom
    from source

)

select * from final
