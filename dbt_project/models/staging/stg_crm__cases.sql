{#- One row per CRM case (a case exported twice keeps its latest export), local times,
    the line from the case or from its CRM queue (contract file); the customer as a keyed
    pseudonym, no phone or e-mail. -#}
with

source as (

    select * from {{ source('raw', 'crm_cases') }}

),

queues as (

    select
        value as crm_queue,
        line_code
    from {{ ref('stg_contract__mappings') }}
    where kind = 'crm_queue'

),

deduplicated as (

    select *
    from source
    qualify row_number() over (partition by case_id order by file_path desc, line_no desc) = 1

),

final as (

    select
        'crm:' || deduplicated.case_id as case_key,
        'crm' as source_system,
        deduplicated.case_id,
        coalesce(deduplicated.line_code, queues.line_code, '{{ var("unmapped_line") }}') as line_code,
        deduplicated.crm_queue,
        deduplicated.motive,
        deduplicated.channel,
        {{ pseudonymize('deduplicated.customer_id') }} as customer_key,
        -- a social escalation carries `twitter:<id>` / `facebook:<id>` in origin_call_id
        case
            when not regexp_matches(deduplicated.origin_call_id, '^(twitter|facebook):')
                then deduplicated.origin_call_id
        end as origin_call_id,
        case
            when regexp_matches(deduplicated.origin_call_id, '^(twitter|facebook):')
                then deduplicated.origin_call_id
        end as origin_social_id,
        {{ to_local('deduplicated.created_at_utc') }} as created_at_local,
        {{ to_local('deduplicated.first_response_at_utc') }} as first_response_at_local,
        {{ to_local('coalesce(deduplicated.resolved_at_utc, deduplicated.closed_at_utc)') }} as resolved_at_local,
        {{ to_local('deduplicated.closed_at_utc') }} as closed_at_local,
        deduplicated.status,
        coalesce(deduplicated.reopen_count, 0) as reopen_count,
        deduplicated.outcome,
        deduplicated.agent
    from deduplicated
    left join queues on deduplicated.crm_queue = queues.crm_queue

)

select * from final
