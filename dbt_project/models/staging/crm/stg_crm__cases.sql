{#- One row per CRM case (a case exported twice keeps its latest export), local times,
    the line from the case or from its CRM queue (contract file); the customer as a keyed
    pseudonym, no phone or e-mail. What its status means for the SLA is the contract's
    (measurement.case_states.crm): a status in the resolved class is a resolution only with
    a resolution time (`resolved_at`); a case closed without one was closed unresolved.
    A status the contract does not list counts as open.
    Incremental by the case's local creation day (macros/rebuild_days.sql) with no reach:
    int_raw_day_fingerprints counts every export of a case on every day the case touches,
    its creation days among them, so a later export that changes or moves a case marks the
    creation days of its old and new versions. A rebuilt day reads every export of each case
    that has one created that day (the winner may be another export) and keeps the cases
    whose winning export was created on a rebuilt day. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='cast(created_at_local as date)',
    rebuild_sources=['crm_cases'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
{%- set created_day = 'cast(' ~ to_local('created_at_utc') ~ ' as date)' %}
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

states as (

    select
        state,
        resolution_class
    from {{ ref('stg_contract__case_states') }}
    where source_system = 'crm'

),

-- the cases with an export created on a rebuilt day, and every export of them
touched_cases as (

    select distinct case_id
    from source
    where {{ in_rebuild_days(created_day, range_column='created_at_utc', margin_days=1) }}

),

touched as (

    select *
    from source
    where case_id in (select touched_cases.case_id from touched_cases)

),

deduplicated as (

    select *
    from touched
    qualify row_number() over (partition by case_id order by file_path desc, line_no desc) = 1

),

rebuilt as (

    select * from deduplicated
    where {{ in_rebuild_days(created_day, range_column='created_at_utc', margin_days=1) }}

),

classified as (

    select
        rebuilt.*,
        states.resolution_class is not null as is_state_mapped,
        case
            when coalesce(states.resolution_class, 'open') <> 'resolved' then coalesce(states.resolution_class, 'open')
            when rebuilt.resolved_at_utc is not null then 'resolved'
            when rebuilt.closed_at_utc is not null then 'closed_unresolved'
            else 'open'
        end as resolution_class
    from rebuilt
    left join states on lower(trim(rebuilt.status)) = states.state

),

final as (

    select
        'crm:' || classified.case_id as case_key,
        'crm' as source_system,
        classified.case_id,
        coalesce(classified.line_code, queues.line_code, '{{ var("unmapped_line") }}') as line_code,
        classified.crm_queue,
        classified.motive,
        classified.channel,
        {{ pseudonymize('classified.customer_id') }} as customer_key,
        -- a social escalation carries `twitter:<id>` / `facebook:<id>` in origin_call_id
        case
            when not regexp_matches(classified.origin_call_id, '^(twitter|facebook):')
                then classified.origin_call_id
        end as origin_call_id,
        case
            when regexp_matches(classified.origin_call_id, '^(twitter|facebook):')
                then classified.origin_call_id
        end as origin_social_id,
        {{ to_local('classified.created_at_utc') }} as created_at_local,
        {{ to_local('classified.first_response_at_utc') }} as first_response_at_local,
        -- a resolution time only for a resolution (an unsuccessful close is not one)
        case
            when classified.resolution_class = 'resolved' then {{ to_local('classified.resolved_at_utc') }}
        end as resolved_at_local,
        {{ to_local('classified.closed_at_utc') }} as closed_at_local,
        -- when the case stopped being worked: its resolution, or its close without one
        case
            when classified.resolution_class = 'resolved' then {{ to_local('classified.resolved_at_utc') }}
            when classified.resolution_class in ('closed_unresolved', 'not_counted')
                then {{ to_local('coalesce(classified.closed_at_utc, classified.resolved_at_utc)') }}
        end as ended_at_local,
        classified.status,
        classified.resolution_class,
        classified.is_state_mapped,
        coalesce(classified.reopen_count, 0) as reopen_count,
        classified.outcome,
        classified.agent
    from classified
    left join queues on classified.crm_queue = queues.crm_queue

)

select * from final
