{#- Per line, agent and interval: seconds logged in, paused and talking. Time-based measures
    are split across the intervals they cover (DESIGN.md §5 counting rule). -#}
with

segments as (

    select * from {{ ref('int_agent_state_segments') }}
    where is_logged_in and segment_seconds > 0

),

calls as (

    select * from {{ ref('fct_calls') }}
    where is_answered and talk_seconds > 0 and agent is not null

),

segment_intervals as (

    select
        line_code,
        agent,
        bucket as interval_start,
        {{ overlap_seconds('segment_start', 'segment_end', 'bucket') }} as logged_in_seconds,
        case
            when is_paused
                then {{ overlap_seconds('segment_start', 'segment_end', 'bucket') }}
            else 0
        end
            as paused_seconds,
        0.0 as talking_seconds,
        0 as calls_answered
    from segments,
        unnest(generate_series(
            {{ interval_start('segment_start') }},
            segment_end,
            interval '{{ var("interval_minutes") }} minutes'
        )) as t (bucket)
    where bucket < segment_end

),

talk_intervals as (

    select
        line_code,
        agent,
        bucket as interval_start,
        0.0 as logged_in_seconds,
        0.0 as paused_seconds,
        {{ overlap_seconds('talk_start', 'talk_end', 'bucket') }} as talking_seconds,
        case when bucket = {{ interval_start('talk_start') }} then 1 else 0 end as calls_answered
    from (
        select
            line_code,
            agent,
            answered_at_local as talk_start,
            answered_at_local + to_seconds(talk_seconds) as talk_end
        from calls
    ) as talks,
        unnest(generate_series(
            {{ interval_start('talk_start') }},
            talk_end,
            interval '{{ var("interval_minutes") }} minutes'
        )) as t (bucket)
    where bucket < talk_end

),

combined as (

    select * from segment_intervals
    union all
    select * from talk_intervals

),

final as (

    select
        line_code || '|' || agent || '|' || strftime(interval_start, '%Y-%m-%dT%H:%M') as agent_interval_key,
        line_code,
        agent,
        interval_start,
        cast(interval_start as date) as report_date,
        {{ exact_sum('logged_in_seconds') }} as logged_in_seconds,
        {{ exact_sum('paused_seconds') }} as paused_seconds,
        {{ exact_sum('logged_in_seconds') }} - {{ exact_sum('paused_seconds') }} as available_seconds,
        {{ exact_sum('talking_seconds') }} as talking_seconds,
        cast(sum(calls_answered) as bigint) as calls_answered
    from combined
    group by line_code, agent, interval_start

)

select * from final
