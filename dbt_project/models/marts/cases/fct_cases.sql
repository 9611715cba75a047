{#- One row per CRM case or OTRS ticket, with first-response and resolution times in
    business hours (the line's contract calendar, closed on Argentine national holidays)
    and the motive's resolution target. Counting rule: a case belongs to the interval, day
    and month in which it was created. Whether it was resolved is the contract's
    (measurement.case_states): a close without resolution ("closed unsuccessful") has no
    resolution time and no resolution duration; a ticket the contract marks not_counted
    (merged into another, removed) is not a case and is left out.
    Incremental by created_date (macros/rebuild_days.sql) with no reach: a case's row depends
    on its own latest export and the contract only, and int_raw_day_fingerprints marks the
    creation days of a changed case's old and new versions (for the CRM and OTRS alike). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='created_date',
    rebuild_sources=['crm_cases', 'otrs_tickets'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
with

cases as (

    select * from (
        select * from {{ ref('stg_crm__cases') }}
        where {{ in_rebuild_days('cast(created_at_local as date)', range_column='created_at_local') }}
        union all by name
        select * from {{ ref('stg_otrs__tickets') }}
        where {{ in_rebuild_days('cast(created_at_local as date)', range_column='created_at_local') }}
    )
    where resolution_class is distinct from 'not_counted'

),

lines as (

    select * from {{ ref('dim_lines') }}

),

targets as (

    select * from {{ ref('stg_contract__targets') }}
    where kind = 'motive_resolution_hours'

),

calendar as (

    select * from {{ ref('stg_contract__business_calendar') }}

),

response_spans as (

    select
        case_key as span_key,
        line_code,
        created_at_local as span_start,
        first_response_at_local as span_end
    from cases
    where first_response_at_local >= created_at_local

),

resolution_spans as (

    select
        case_key as span_key,
        line_code,
        created_at_local as span_start,
        resolved_at_local as span_end
    from cases
    where resolved_at_local >= created_at_local

),

response_time as (

    {{ business_seconds_by_key('response_spans', 'calendar') }}

),

resolution_time as (

    {{ business_seconds_by_key('resolution_spans', 'calendar') }}

),

final as (

    select
        cases.case_key,
        cases.source_system,
        cases.case_id,
        cases.line_code,
        cases.crm_queue,
        cases.motive,
        cases.channel,
        cases.customer_key,
        cases.origin_call_id,
        cases.origin_social_id,
        cases.created_at_local,
        cast(cases.created_at_local as date) as created_date,
        {{ interval_start('cases.created_at_local') }} as created_interval_start,
        cases.first_response_at_local,
        cases.resolved_at_local,
        cases.closed_at_local,
        cases.ended_at_local,
        cases.status,
        cases.resolution_class,
        cases.is_state_mapped,
        case cases.source_system when 'crm' then 'crm_cases' when 'otrs' then 'otrs_tickets' end as landing_source,
        cases.resolution_class = 'resolved' as is_resolved,
        cases.resolution_class = 'closed_unresolved' as is_closed_unresolved,
        cases.reopen_count,
        cases.reopen_count > 0 as is_reopened,
        cases.outcome,
        cases.agent,
        response_time.business_seconds as first_response_business_seconds,
        resolution_time.business_seconds as resolution_business_seconds,
        coalesce(targets.value, lines.resolution_target_business_hours) as resolution_target_business_hours,
        coalesce(
            resolution_time.business_seconds
            <= coalesce(targets.value, lines.resolution_target_business_hours) * 3600,
            false
        ) as is_resolved_within_target
    from cases
    left join lines on cases.line_code = lines.line_code
    left join targets on cases.line_code = targets.line_code and cases.motive = targets.name
    left join response_time on cases.case_key = response_time.span_key
    left join resolution_time on cases.case_key = resolution_time.span_key

)

select * from final
