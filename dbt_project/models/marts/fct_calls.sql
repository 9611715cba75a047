{#- One row per queued inbound call (each ENTERQUEUE). Counting rule (DESIGN.md §5): a call
    belongs to the interval, day and month in which it entered the queue. -#}
with

calls as (

    select * from {{ ref('int_queue_calls') }}

),

queues as (

    select * from {{ ref('stg_contract__queues') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

mapped as (

    select
        calls.*,
        coalesce(queues.line_code, '{{ var("unmapped_line") }}') as line_code
    from calls
    left join queues on calls.queue_name = queues.queue_name

),

-- the same caller's next call to the same line (first-contact-resolution proxy)
sequenced as (

    select
        *,
        case when caller_key is not null then
            lead(entered_at_utc) over (
                partition by line_code, caller_key order by entered_at_utc, call_key
            )
        end as next_contact_at_utc
    from mapped

),

final as (

    select
        mapped.call_key,
        mapped.callid,
        'inbound' as direction,
        mapped.line_code,
        mapped.queue_name,
        mapped.caller_key,
        mapped.entered_at_utc,
        {{ to_local('mapped.entered_at_utc') }} as entered_at_local,
        cast({{ to_local('mapped.entered_at_utc') }} as date) as entered_date,
        {{ interval_start(to_local('mapped.entered_at_utc')) }} as entered_interval_start,
        {{ to_local('mapped.answered_at_utc') }} as answered_at_local,
        {{ to_local('mapped.ended_at_utc') }} as ended_at_local,
        mapped.outcome,
        mapped.end_event,
        mapped.agent,
        mapped.entry_position,
        mapped.wait_seconds,
        mapped.talk_seconds,
        -- queue_log logs no hold or after-call work: handling time is talk time
        mapped.talk_seconds as handle_seconds,
        mapped.outcome = 'answered' as is_answered,
        mapped.outcome = 'abandoned' as is_abandoned,
        mapped.outcome = 'abandoned'
        and mapped.wait_seconds < lines.short_abandon_seconds as is_short_abandon,
        mapped.outcome in ('timeout', 'exit_with_key', 'exit_empty', 'withdrawn')
            as is_unanswered_by_system,
        mapped.outcome = 'answered'
        and mapped.wait_seconds <= lines.service_level_seconds as is_answered_within_threshold,
        lines.service_level_seconds,
        lines.short_abandon_seconds,
        mapped.is_transferred,
        mapped.ring_no_answer_count,
        mapped.ring_canceled_count,
        {{ to_local('mapped.next_contact_at_utc') }} as next_contact_at_local,
        lines.repeat_contact_days,
        coalesce(
            mapped.outcome = 'answered'
            and mapped.caller_key is not null
            and mapped.next_contact_at_utc <= mapped.entered_at_utc + to_days(lines.repeat_contact_days),
            false
        ) as is_repeat_contact
    from sequenced as mapped
    left join lines on mapped.line_code = lines.line_code

)

select * from final
