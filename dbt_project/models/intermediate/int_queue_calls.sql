{#- One row per queue entry: every ENTERQUEUE and the events that follow it for the same
    call id and queue, up to the next time that call id enters the same queue. Each entry
    carries its own events: a call transferred or overflowing into a second queue gets that
    queue's answer, wait and talk on its second entry, never the first queue's (answers and
    endings are matched by call id, queue and entry number). Events are matched by call id,
    not by file, so a call entering before midnight and ending after (two rotated files) is
    one entry. An entry with neither an answer nor an ending event is `pending` while the
    queue_log ends less than the contract's lost-record delay after the entry (the call may
    still be in progress), and a `lost_record` from that delay on (data_end - entered >=
    delay: the PBX logged no end); both are compared in UTC.
    Incremental by the local day the entry entered (macros/rebuild_days.sql): a call's events
    span at most its own day and the next (a queue call lasts less than a day), and the data
    end decides pending against lost within the lost-record delay; so a changed day d changes
    the entries of d - max(1, delay in days) .. d, and d + 1 (a re-entry's entry number counts
    the call's earlier entries). The events are read one day further each way. -#}
{%- set reach_before = [1, var('lost_record_reach_days')] | max %}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='cast(' ~ to_local('entered_at_utc') ~ ' as date)',
    rebuild_before=reach_before,
    rebuild_after=1,
    rebuild_sources=['asterisk_queue_log'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
with

events as (

    select * from {{ ref('stg_asterisk__queue_events') }}
    where
        callid is not null
        and callid not in ('NONE', 'MANAGER', 'REALTIME', 'CLI')
        and queue_name is not null
        and {{ in_rebuild_days('cast(event_time_local as date)', before=reach_before + 1, after=2,
                               range_column='event_time_local') }}

),

data_end as (

    select * from {{ ref('int_source_data_end') }}
    where source = 'asterisk_queue_log'

),

measurement as (

    select * from {{ ref('stg_contract__measurement') }}

),

enters as (

    select
        callid,
        queue_name,
        event_seq as enter_seq,
        event_time_utc as entered_at_utc,
        caller_key,
        try_cast(data3 as integer) as entry_position,
        row_number() over (partition by callid, queue_name order by event_seq) as entry_no,
        -- the entry's place among all the call's queue entries (transfers, overflows)
        row_number() over (partition by callid order by event_seq) as call_entry_no,
        lead(event_seq) over (partition by callid, queue_name order by event_seq) as next_enter_seq
    from events
    where event = 'ENTERQUEUE'

),

call_events as (

    select
        enters.callid,
        enters.queue_name,
        enters.entry_no,
        events.event,
        events.event_seq,
        events.event_time_utc,
        events.agent,
        events.data1,
        events.data2,
        events.data3,
        events.data4,
        events.data5
    from enters
    inner join events
        on
            enters.callid = events.callid
            and enters.queue_name = events.queue_name
            and enters.enter_seq < events.event_seq
            and (enters.next_enter_seq is null or enters.next_enter_seq > events.event_seq)
    where events.event <> 'ENTERQUEUE'

),

-- the first CONNECT is the answer; an entry has at most one in stock Asterisk
connects as (

    select
        callid,
        queue_name,
        entry_no,
        event_time_utc as answered_at_utc,
        agent,
        try_cast(data1 as integer) as hold_seconds
    from call_events
    where event = 'CONNECT'
    qualify row_number() over (partition by callid, queue_name, entry_no order by event_seq) = 1

),

-- the event that ends the entry's stay in the queue or its conversation
terminals as (

    select
        callid,
        queue_name,
        entry_no,
        event as end_event,
        event_time_utc as ended_at_utc,
        case
            when event in ('COMPLETEAGENT', 'COMPLETECALLER') then try_cast(data2 as integer)
            when event in ('TRANSFER', 'BLINDTRANSFER') then try_cast(data4 as integer)
            -- ATTENDEDTRANSFER: BRIDGE|id|hold|talk|pos, APP|app|hold|talk|pos, LINK|c1|c2|hold|talk|pos
            when event = 'ATTENDEDTRANSFER' and data1 = 'LINK' then try_cast(data5 as integer)
            when event = 'ATTENDEDTRANSFER' then try_cast(data4 as integer)
        end as talk_seconds,
        case
            when event in ('ABANDON', 'EXITEMPTY', 'EXITWITHTIMEOUT', 'WITHDRAW') then try_cast(data3 as integer)
            when event = 'EXITWITHKEY' then try_cast(data4 as integer)
        end as queue_wait_seconds,
        event in ('TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER') as is_transfer
    from call_events
    where
        event in (
            'COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER',
            'ABANDON', 'EXITEMPTY', 'EXITWITHTIMEOUT', 'EXITWITHKEY', 'WITHDRAW'
        )
    qualify row_number() over (partition by callid, queue_name, entry_no order by event_seq) = 1

),

ring_attempts as (

    select
        callid,
        queue_name,
        entry_no,
        count(*) filter (where event = 'RINGNOANSWER') as ring_no_answer_count,
        count(*) filter (where event = 'RINGCANCELED') as ring_canceled_count
    from call_events
    group by all

),

joined as (

    select
        enters.callid,
        enters.entry_no,
        enters.call_entry_no,
        enters.queue_name,
        enters.caller_key,
        enters.entry_position,
        enters.entered_at_utc,
        connects.answered_at_utc,
        connects.agent,
        connects.hold_seconds,
        terminals.end_event,
        terminals.ended_at_utc,
        terminals.talk_seconds,
        terminals.queue_wait_seconds,
        coalesce(terminals.is_transfer, false) as is_transferred,
        coalesce(ring_attempts.ring_no_answer_count, 0) as ring_no_answer_count,
        coalesce(ring_attempts.ring_canceled_count, 0) as ring_canceled_count,
        -- back from local wall-clock time to UTC, so the delay is measured on one clock
        timezone('UTC', timezone('{{ var("timezone") }}', data_end.data_end_local)) as data_end_utc,
        measurement.lost_record_after_minutes
    from enters
    left join connects using (callid, queue_name, entry_no)
    left join terminals using (callid, queue_name, entry_no)
    left join ring_attempts using (callid, queue_name, entry_no)
    left join data_end on true
    left join measurement on true

),

final as (

    select
        callid || ':' || queue_name || ':' || entry_no as call_key,
        callid,
        entry_no,
        call_entry_no,
        queue_name,
        caller_key,
        entry_position,
        entered_at_utc,
        answered_at_utc,
        ended_at_utc,
        case
            when answered_at_utc is not null then 'answered'
            when end_event = 'ABANDON' then 'abandoned'
            when end_event = 'EXITWITHTIMEOUT' then 'timeout'
            when end_event = 'EXITWITHKEY' then 'exit_with_key'
            when end_event = 'EXITEMPTY' then 'exit_empty'
            when end_event = 'WITHDRAW' then 'withdrawn'
            -- an ending event with no answer before it (a transfer or completion)
            when end_event is not null then 'unknown'
            when epoch(data_end_utc) - epoch(entered_at_utc) < lost_record_after_minutes * 60 then 'pending'
            else 'lost_record'
        end as outcome,
        end_event,
        agent,
        -- wait: the hold time Asterisk logged; the clock difference only if it did not
        case
            when answered_at_utc is not null
                then coalesce(hold_seconds, epoch(answered_at_utc) - epoch(entered_at_utc))
            when end_event is not null
                then coalesce(queue_wait_seconds, epoch(ended_at_utc) - epoch(entered_at_utc))
        end::double as wait_seconds,
        case when answered_at_utc is not null then talk_seconds end::double as talk_seconds,
        is_transferred,
        ring_no_answer_count,
        ring_canceled_count
    from joined
    where {{ in_rebuild_days('cast(' ~ to_local('entered_at_utc') ~ ' as date)') }}

)

select * from final
