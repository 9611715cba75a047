{#- One row per inbound queued call (each ENTERQUEUE of the queue_log, each call of another
    ACD's call-detail log) or outbound attempt (each CDR record of a contract campaign).
    Counting rule (DESIGN.md §5): a call belongs to the interval, day and month in which it
    entered the queue (or was dialled), and all its counts and durations are reported there. -#}
with

queue_calls as (

    select * from {{ ref('int_queue_calls') }}

),

detail_calls as (

    select * from {{ ref('stg_call_detail__calls') }}

),

outbound as (

    select * from {{ ref('int_outbound_attempts') }}

),

queues as (

    select * from {{ ref('stg_contract__queues') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

inbound as (

    select
        queue_calls.call_key,
        queue_calls.callid,
        'asterisk_queue_log' as source_system,
        coalesce(queues.line_code, '{{ var("unmapped_line") }}') as line_code,
        queue_calls.queue_name,
        queue_calls.caller_key,
        queue_calls.entered_at_utc,
        {{ to_local('queue_calls.entered_at_utc') }} as entered_at_local,
        {{ to_local('queue_calls.answered_at_utc') }} as answered_at_local,
        {{ to_local('queue_calls.ended_at_utc') }} as ended_at_local,
        queue_calls.outcome,
        queue_calls.end_event,
        queue_calls.agent,
        queue_calls.entry_position,
        queue_calls.wait_seconds,
        queue_calls.talk_seconds,
        true as is_offered,
        queue_calls.is_transferred,
        queue_calls.ring_no_answer_count,
        queue_calls.ring_canceled_count
    from queue_calls
    left join queues on queue_calls.queue_name = queues.queue_name

    union all

    select
        call_key,
        call_id as callid,
        'call_detail:' || mapping as source_system,
        line_code,
        queue as queue_name,
        customer_key as caller_key,
        entered_at_utc,
        {{ to_local('entered_at_utc') }} as entered_at_local,
        answered_at_local,
        ended_at_local,
        case when outcome in ('answered', 'abandoned', 'phantom', 'no_queue') then outcome else 'unknown' end
            as outcome,
        upper(outcome) as end_event,
        agent,
        null::integer as entry_position,
        wait_seconds::double as wait_seconds,
        case when outcome = 'answered' then service_seconds end::double as talk_seconds,
        -- offered = reached the agents' queue: served or abandoned there; not a virtual
        -- PHANTOM call, not a caller who hung up in the IVR
        outcome in ('answered', 'abandoned') and (outcome = 'answered' or entered_queue_at_local is not null)
            as is_offered,
        false as is_transferred,
        0 as ring_no_answer_count,
        0 as ring_canceled_count
    from detail_calls

),

-- the same caller's next call to the same line (first-contact-resolution proxy)
sequenced as (

    select
        *,
        case
            when caller_key is not null then
                lead(entered_at_utc) over (
                    partition by line_code, caller_key order by entered_at_utc, call_key
                )
        end as next_contact_at_utc
    from inbound

),

inbound_final as (

    select
        sequenced.call_key,
        sequenced.callid,
        'inbound' as direction,
        sequenced.source_system,
        sequenced.line_code,
        sequenced.queue_name,
        sequenced.caller_key,
        sequenced.entered_at_utc,
        sequenced.entered_at_local,
        cast(sequenced.entered_at_local as date) as entered_date,
        {{ interval_start('sequenced.entered_at_local') }} as entered_interval_start,
        sequenced.answered_at_local,
        sequenced.ended_at_local,
        sequenced.outcome,
        sequenced.end_event,
        sequenced.agent,
        sequenced.entry_position,
        sequenced.wait_seconds,
        sequenced.talk_seconds,
        -- queue_log logs no hold or after-call work: handling time is talk time
        sequenced.talk_seconds as handle_seconds,
        sequenced.is_offered,
        sequenced.outcome = 'answered' as is_answered,
        sequenced.outcome = 'abandoned' as is_abandoned,
        sequenced.outcome = 'abandoned'
        and sequenced.wait_seconds < lines.short_abandon_seconds as is_short_abandon,
        sequenced.outcome in ('timeout', 'exit_with_key', 'exit_empty', 'withdrawn')
            as is_unanswered_by_system,
        sequenced.outcome = 'answered'
        and sequenced.wait_seconds <= lines.service_level_seconds as is_answered_within_threshold,
        false as is_contact,
        lines.service_level_seconds,
        lines.short_abandon_seconds,
        sequenced.is_transferred,
        sequenced.ring_no_answer_count,
        sequenced.ring_canceled_count,
        {{ to_local('sequenced.next_contact_at_utc') }} as next_contact_at_local,
        lines.repeat_contact_days,
        coalesce(
            sequenced.outcome = 'answered'
            and sequenced.caller_key is not null
            and sequenced.next_contact_at_utc <= sequenced.entered_at_utc + to_days(lines.repeat_contact_days),
            false
        ) as is_repeat_contact
    from sequenced
    left join lines on sequenced.line_code = lines.line_code

),

outbound_final as (

    select
        call_key,
        callid,
        direction,
        'asterisk_cdr' as source_system,
        line_code,
        queue_name,
        caller_key,
        entered_at_utc,
        entered_at_local,
        cast(entered_at_local as date) as entered_date,
        {{ interval_start('entered_at_local') }} as entered_interval_start,
        answered_at_local,
        ended_at_local,
        outcome,
        end_event,
        null::varchar as agent,
        null::integer as entry_position,
        wait_seconds,
        talk_seconds,
        talk_seconds as handle_seconds,
        false as is_offered,
        outcome = 'answered' as is_answered,
        false as is_abandoned,
        false as is_short_abandon,
        false as is_unanswered_by_system,
        false as is_answered_within_threshold,
        is_contact,
        null::integer as service_level_seconds,
        null::integer as short_abandon_seconds,
        false as is_transferred,
        0 as ring_no_answer_count,
        0 as ring_canceled_count,
        null::timestamp as next_contact_at_local,
        null::integer as repeat_contact_days,
        false as is_repeat_contact
    from outbound

),

final as (

    select * from inbound_final
    union all by name
    select * from outbound_final

)

select * from final
