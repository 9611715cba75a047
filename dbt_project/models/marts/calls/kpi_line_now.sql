{#- One row per queue line (every line of dim_lines that owns queue_log queues, and the
    unmapped-queues line): the calls waiting in its queues at the end of the queue_log data
    (its last event, int_source_data_end) and the longest of their current waits.

    Rules:
    - "Now" is the data's end, never the clock: the same files give the same figures.
    - A call is waiting when a queue entry of it has no CONNECT and no ending event
      (abandon, exit, timeout, transfer, completion) by the data end, inclusive: a call
      abandoned at the data end's second is not waiting, one that entered at that second
      is (its wait is 0). These are int_queue_calls' `pending` entries (fct_calls.outcome),
      so a call whose end the PBX never logged stops waiting once it becomes a lost record
      (measurement.calls.lost_record_after_minutes), as it leaves the pending counts.
    - Each waiting entry is one call: a call is in one queue at a time (an overflow or a
      transfer ends its previous entry). A call answered on one line and transferred into a
      queue of another waits on the other line.
    - Its current wait is the time since it entered the queue it waits in (what the PBX's
      own `queue show` reports), measured in UTC seconds.
    - A line with no call waiting has 0 waiting calls and no longest wait. -#}
with

calls as (

    select * from {{ ref('fct_calls') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

data_end as (

    select * from {{ ref('int_source_data_end') }}
    where source = 'asterisk_queue_log'

),

queue_lines as (

    select
        line_code,
        line_name,
        direction
    from lines
    where queue_count > 0 or is_unmapped

),

data_end_instant as (

    select
        data_end_local,
        -- back from local wall-clock time to UTC, as int_queue_calls measures the pending delay
        timezone('UTC', timezone('{{ var("timezone") }}', data_end_local)) as data_end_utc
    from data_end

),

waiting as (

    select
        calls.line_code,
        count(*) as waiting_calls,
        max(epoch(data_end_instant.data_end_utc) - epoch(calls.entered_at_utc)) as longest_wait_seconds
    from calls
    cross join data_end_instant
    where
        calls.source_system = 'asterisk_queue_log'
        and calls.outcome = 'pending'
    group by calls.line_code

),

final as (

    select
        queue_lines.line_code,
        queue_lines.line_name,
        queue_lines.direction,
        data_end_instant.data_end_local,
        data_end_instant.data_end_utc,
        cast(data_end_instant.data_end_local as date) as data_end_date,
        coalesce(waiting.waiting_calls, 0) as waiting_calls,
        waiting.longest_wait_seconds::double as longest_wait_seconds
    from queue_lines
    left join data_end_instant on true
    left join waiting on queue_lines.line_code = waiting.line_code

)

select * from final
