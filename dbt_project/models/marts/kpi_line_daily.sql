{#- The inbound KPIs per line and local day: sums of the interval counts, ratios recomputed
    from the summed numerators and denominators (never an average of interval ratios). -#}
with

intervals as (

    select * from {{ ref('kpi_line_interval') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

summed as (

    select
        line_code,
        report_date,
        count(*) as intervals,
        cast(sum(offered) as bigint) as offered,
        cast(sum(answered) as bigint) as answered,
        cast(sum(abandoned) as bigint) as abandoned,
        cast(sum(short_abandoned) as bigint) as short_abandoned,
        cast(sum(unanswered_by_system) as bigint) as unanswered_by_system,
        cast(sum(answered_within_threshold) as bigint) as answered_within_threshold,
        sum(total_answer_wait_seconds) as total_answer_wait_seconds,
        cast(sum(handled_calls) as bigint) as handled_calls,
        sum(total_handle_seconds) as total_handle_seconds,
        sum(logged_in_seconds) as logged_in_seconds,
        sum(paused_seconds) as paused_seconds,
        sum(agent_talk_seconds) as agent_talk_seconds,
        cast(sum(answered_identified) as bigint) as answered_identified,
        cast(sum(repeat_contacts) as bigint) as repeat_contacts
    from intervals
    group by line_code, report_date

),

final as (

    select
        summed.line_code || '|' || strftime(summed.report_date, '%Y-%m-%d') as line_day_key,
        summed.line_code,
        lines.line_name,
        summed.report_date,
        summed.offered,
        summed.answered,
        summed.abandoned,
        summed.short_abandoned,
        summed.abandoned - summed.short_abandoned as abandoned_not_short,
        summed.unanswered_by_system,
        summed.answered_within_threshold,
        {{ service_level_denominator('summed', 'lines.service_level_denominator') }}
            as service_level_denominator_calls,
        summed.answered_within_threshold
        / nullif({{ service_level_denominator('summed', 'lines.service_level_denominator') }}, 0)
            as service_level,
        lines.service_level_seconds,
        lines.service_level_target,
        summed.total_answer_wait_seconds,
        summed.total_answer_wait_seconds / nullif(summed.answered, 0) as asa_seconds,
        lines.asa_target_seconds,
        (summed.abandoned - summed.short_abandoned)
        / nullif(summed.offered - summed.short_abandoned, 0) as abandon_rate,
        lines.abandon_rate_target,
        summed.handled_calls,
        summed.total_handle_seconds,
        summed.total_handle_seconds / nullif(summed.handled_calls, 0) as aht_seconds,
        summed.logged_in_seconds,
        summed.paused_seconds,
        summed.agent_talk_seconds,
        summed.agent_talk_seconds
        / nullif(summed.logged_in_seconds - summed.paused_seconds, 0) as occupancy,
        (summed.logged_in_seconds - summed.paused_seconds)
        / (summed.intervals * {{ var("interval_minutes") }} * 60.0) as positions_staffed,
        summed.answered_identified,
        summed.repeat_contacts,
        summed.repeat_contacts / nullif(summed.answered_identified, 0) as repeat_contact_rate,
        lines.contracted_positions
    from summed
    inner join lines using (line_code)

)

select * from final
