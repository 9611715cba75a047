{#- One row per inbound queue entry (each ENTERQUEUE of the queue_log, each call of another
    ACD's call-detail log) or outbound attempt (each CDR record of a contract campaign).
    Counting rule (DESIGN.md §5): a call belongs to the interval, day and month in which it
    entered the queue (or was dialled), and all its counts and durations are reported there.

    Calls that move between queues (docs/contract_defaults.md, "Calls that move between
    queues"). Every entry keeps its own queue-level facts (outcome, wait, talk, agent): an
    atc call transferred into a help-desk queue is one atc contact and one help-desk contact,
    each with its own events. Consecutive entries of one call into queues of the SAME line
    (an overflow after a timeout, a transfer to a sister queue) are one contact of that line,
    as the caller lived it: offered once, on its first entry (in that entry's interval);
    answered if any of its entries was; its wait is the queue time until the first answer
    (the waits of the entries up to and including the answering one) or, unanswered, until
    it left the line's last queue; its talk is the talk of all its answered entries (unknown
    if one of them has no logged end); a short abandon is judged on that line-level wait.
    The contact is pending or a lost record when an entry up to the deciding one (the first
    answered, else the last) is: its wait cannot be known. The `line_*` columns carry the
    contact on each of its entries; `is_offered`, `is_pending` and `is_lost_record` are true
    on its first entry only, so counting them counts contacts. Pending and lost-record
    contacts are not offered: they are in no service-level, abandon or ASA figure.
    Incremental by entered_date (macros/rebuild_days.sql). A changed day reaches the entries
    of int_queue_calls' own reach (before max(1, lost-record delay in days), after 1); an entry
    reaches the other entries of its call (a call lasts less than a day: one day each way) and,
    through the repeat window, the same caller's calls of the repeat_contact_days before it
    (one more day for the window's part-day). The next contact is kept only within the window
    (null beyond), so no call's row depends on calls further away. -#}
{%- set queue_before = [1, var('lost_record_reach_days')] | max %}
{%- set repeat_days = var('repeat_contact_reach_days') %}
{%- set reach_before = queue_before + 1 + repeat_days + 1 %}
{%- set reach_after = 2 %}
{%- set entered_day = 'cast(' ~ to_local('entered_at_utc') ~ ' as date)' %}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='entered_date',
    rebuild_before=reach_before,
    rebuild_after=reach_after,
    rebuild_sources=['asterisk_queue_log', 'asterisk_cdr', 'call_detail'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
with

queue_calls as (

    select * from {{ ref('int_queue_calls') }}
    where {{ in_rebuild_days(entered_day, before=reach_before + 1, after=reach_after + repeat_days + 1) }}

),

detail_calls as (

    select * from {{ ref('stg_call_detail__calls') }}
    where {{ in_rebuild_days(entered_day, before=reach_before + 1, after=reach_after + repeat_days + 1) }}

),

outbound as (

    select * from {{ ref('int_outbound_attempts') }}
    where {{ in_rebuild_days(entered_day, before=reach_before + 1, after=reach_after + repeat_days + 1) }}

),

queues as (

    select * from {{ ref('stg_contract__queues') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

queue_entries as (

    select
        queue_calls.*,
        coalesce(queues.line_code, '{{ var("unmapped_line") }}') as line_code
    from queue_calls
    left join queues on queue_calls.queue_name = queues.queue_name

),

-- a contact of a line starts at the call's first entry and wherever the call moves to
-- another line's queue
contact_starts as (

    select
        *,
        coalesce(
            lag(line_code) over (partition by callid order by call_entry_no) <> line_code, true
        ) as starts_contact
    from queue_entries

),

numbered as (

    select
        *,
        sum(starts_contact::integer) over (
            partition by callid order by call_entry_no rows unbounded preceding
        ) as contact_no
    from contact_starts

),

-- the entry that decides the contact: its first answered entry, else its last one
contact_bounds as (

    select
        callid,
        contact_no,
        arg_min(call_key, call_entry_no) as line_contact_key,
        count(*) as line_contact_entries,
        min(call_entry_no) as first_call_entry_no,
        coalesce(min(call_entry_no) filter (where outcome = 'answered'), max(call_entry_no))
            as deciding_call_entry_no
    from numbered
    group by callid, contact_no

),

contacts as (

    select
        numbered.callid,
        numbered.contact_no,
        any_value(contact_bounds.line_contact_key) as line_contact_key,
        any_value(contact_bounds.line_contact_entries) as line_contact_entries,
        any_value(contact_bounds.first_call_entry_no) as first_call_entry_no,
        coalesce(bool_or(numbered.outcome = 'lost_record') filter (
            where numbered.call_entry_no <= contact_bounds.deciding_call_entry_no
        ), false) as has_lost_record,
        coalesce(bool_or(numbered.outcome = 'pending') filter (
            where numbered.call_entry_no <= contact_bounds.deciding_call_entry_no
        ), false) as has_pending,
        any_value(numbered.outcome) filter (
            where numbered.call_entry_no = contact_bounds.deciding_call_entry_no
        ) as deciding_outcome,
        sum(numbered.wait_seconds) filter (
            where numbered.call_entry_no <= contact_bounds.deciding_call_entry_no
        ) as span_wait_seconds,
        sum(numbered.talk_seconds) filter (where numbered.outcome = 'answered') as answered_talk_seconds,
        count(*) filter (where numbered.outcome = 'answered' and numbered.talk_seconds is null)
            as answered_without_talk
    from numbered
    inner join contact_bounds
        on numbered.callid = contact_bounds.callid and numbered.contact_no = contact_bounds.contact_no
    group by numbered.callid, numbered.contact_no

),

contact_outcomes as (

    select
        callid,
        contact_no,
        line_contact_key,
        line_contact_entries,
        first_call_entry_no,
        case
            when has_lost_record then 'lost_record'
            when has_pending then 'pending'
            else deciding_outcome
        end as line_outcome,
        case when not has_lost_record and not has_pending then span_wait_seconds end as line_wait_seconds,
        case
            when not has_lost_record and not has_pending and deciding_outcome = 'answered' and answered_without_talk = 0
                then answered_talk_seconds
        end as line_talk_seconds
    from contacts

),

inbound as (

    select
        numbered.call_key,
        numbered.callid,
        'asterisk_queue_log' as source_system,
        numbered.line_code,
        numbered.queue_name,
        numbered.caller_key,
        numbered.entered_at_utc,
        {{ to_local('numbered.entered_at_utc') }} as entered_at_local,
        {{ to_local('numbered.answered_at_utc') }} as answered_at_local,
        {{ to_local('numbered.ended_at_utc') }} as ended_at_local,
        numbered.outcome,
        numbered.end_event,
        numbered.agent,
        numbered.entry_position,
        numbered.wait_seconds,
        numbered.talk_seconds,
        numbered.call_entry_no,
        contact_outcomes.line_contact_key,
        contact_outcomes.line_contact_entries,
        numbered.call_entry_no = contact_outcomes.first_call_entry_no as is_line_contact_first_entry,
        contact_outcomes.line_outcome,
        contact_outcomes.line_wait_seconds,
        contact_outcomes.line_talk_seconds,
        -- offered: the contact's first entry, its end known
        numbered.call_entry_no = contact_outcomes.first_call_entry_no
        and contact_outcomes.line_outcome not in ('pending', 'lost_record') as is_offered,
        numbered.is_transferred,
        numbered.ring_no_answer_count,
        numbered.ring_canceled_count
    from numbered
    inner join contact_outcomes
        on numbered.callid = contact_outcomes.callid and numbered.contact_no = contact_outcomes.contact_no

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
        -- another ACD's log has one row per call: each call is its own contact
        1 as call_entry_no,
        call_key as line_contact_key,
        1 as line_contact_entries,
        true as is_line_contact_first_entry,
        case when outcome in ('answered', 'abandoned', 'phantom', 'no_queue') then outcome else 'unknown' end
            as line_outcome,
        wait_seconds::double as line_wait_seconds,
        case when outcome = 'answered' then service_seconds end::double as line_talk_seconds,
        -- offered = reached the agents' queue: served or abandoned there; not a virtual
        -- PHANTOM call, not a caller who hung up in the IVR
        outcome in ('answered', 'abandoned') and (outcome = 'answered' or entered_queue_at_local is not null)
            as is_offered,
        false as is_transferred,
        0 as ring_no_answer_count,
        0 as ring_canceled_count
    from detail_calls

),

-- the same caller's next call to the same line (first-contact-resolution proxy): a call's
-- later contacts with the line (it left for another line and came back) are not a new
-- call, and a pending or lost call was still a call
line_calls as (

    select
        line_code,
        caller_key,
        case when source_system = 'asterisk_queue_log' then callid else call_key end as call_ref,
        min(entered_at_utc) as first_entered_at_utc
    from inbound
    where caller_key is not null
    group by all

),

call_sequence as (

    select
        *,
        lead(first_entered_at_utc) over (
            partition by line_code, caller_key order by first_entered_at_utc, call_ref
        ) as next_contact_at_utc
    from line_calls

),

sequenced as (

    select
        inbound.*,
        call_sequence.next_contact_at_utc
    from inbound
    left join call_sequence
        on
            inbound.line_code = call_sequence.line_code
            and inbound.caller_key = call_sequence.caller_key
            and case when inbound.source_system = 'asterisk_queue_log' then inbound.callid else inbound.call_key end
            = call_sequence.call_ref

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
        sequenced.is_line_contact_first_entry and sequenced.line_outcome = 'pending' as is_pending,
        sequenced.is_line_contact_first_entry and sequenced.line_outcome = 'lost_record' as is_lost_record,
        sequenced.call_entry_no,
        sequenced.line_contact_key,
        sequenced.line_contact_entries,
        sequenced.is_line_contact_first_entry,
        sequenced.line_outcome,
        sequenced.line_wait_seconds,
        sequenced.line_talk_seconds,
        sequenced.line_outcome = 'answered' as is_line_answered,
        sequenced.line_outcome = 'abandoned' as is_line_abandoned,
        sequenced.line_outcome = 'abandoned'
        and sequenced.line_wait_seconds < lines.short_abandon_seconds as is_line_short_abandon,
        sequenced.line_outcome in ('timeout', 'exit_with_key', 'exit_empty', 'withdrawn')
            as is_line_unanswered_by_system,
        sequenced.line_outcome = 'answered'
        and sequenced.line_wait_seconds <= lines.service_level_seconds as is_line_answered_within_threshold,
        false as is_contact,
        lines.service_level_seconds,
        lines.short_abandon_seconds,
        sequenced.is_transferred,
        sequenced.ring_no_answer_count,
        sequenced.ring_canceled_count,
        -- within the repeat window only: a call's row never depends on calls further away
        case
            when sequenced.next_contact_at_utc <= sequenced.entered_at_utc + to_days(lines.repeat_contact_days)
                then {{ to_local('sequenced.next_contact_at_utc') }}
        end as next_contact_at_local,
        lines.repeat_contact_days,
        coalesce(
            sequenced.is_offered
            and sequenced.line_outcome = 'answered'
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
        false as is_pending,
        false as is_lost_record,
        1 as call_entry_no,
        call_key as line_contact_key,
        1 as line_contact_entries,
        true as is_line_contact_first_entry,
        -- an outbound attempt is a contact of its own
        outcome as line_outcome,
        wait_seconds as line_wait_seconds,
        talk_seconds as line_talk_seconds,
        false as is_line_answered,
        false as is_line_abandoned,
        false as is_line_short_abandon,
        false as is_line_unanswered_by_system,
        false as is_line_answered_within_threshold,
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

    select * from (
        select * from inbound_final
        union all by name
        select * from outbound_final
    ) as calls
    where {{ in_rebuild_days('entered_date') }}

)

select * from final
