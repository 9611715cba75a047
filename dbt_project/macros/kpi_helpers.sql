{#- Service-level denominator for the contract's variant (DESIGN.md §5): the one definition
    for the KPI marts (counts of a period) and fct_sla_units (0/1 flags of one call), so
    `offered`, `answered`, `abandoned` and `short_abandoned` are SQL expressions of either
    (a short abandon is also an abandon). -#}
{% macro service_level_denominator(variant, offered, answered, abandoned, short_abandoned) -%}
    case {{ variant }}
        when 'offered' then {{ offered }}
        when 'answered' then {{ answered }}
        when 'answered_plus_abandoned' then {{ answered }} + {{ abandoned }} - {{ short_abandoned }}
        else {{ offered }} - {{ short_abandoned }}
    end
{%- endmacro %}

{#- The KPI columns shared by kpi_line_interval, kpi_line_daily and kpi_line_monthly, from
    a relation `c` of summed counts and the line's targets in `l`: one definition of every
    ratio (DESIGN.md §5), numerators and denominators kept beside each ratio so periods can
    be added up. `period_seconds` is the length of the period (for positions staffed). -#}
{% macro kpi_columns(c, l, period_seconds) -%}
        {%- set sl_denominator = service_level_denominator(
            l ~ '.service_level_denominator', c ~ '.offered', c ~ '.answered', c ~ '.abandoned', c ~ '.short_abandoned'
        ) %}
        {{ c }}.offered,
        {{ c }}.answered,
        {{ c }}.abandoned,
        {{ c }}.short_abandoned,
        {{ c }}.abandoned - {{ c }}.short_abandoned as abandoned_not_short,
        {{ c }}.unanswered_by_system,
        {{ c }}.pending_calls,
        {{ c }}.lost_records,
        {{ c }}.answered_within_threshold,
        {{ sl_denominator }} as service_level_denominator_calls,
        {{ c }}.answered_within_threshold
        / nullif({{ sl_denominator }}, 0) as service_level,
        {{ l }}.service_level_seconds,
        {{ l }}.service_level_target,
        {{ c }}.total_answer_wait_seconds,
        {{ c }}.total_answer_wait_seconds / nullif({{ c }}.answered, 0) as asa_seconds,
        {{ l }}.asa_target_seconds,
        ({{ c }}.abandoned - {{ c }}.short_abandoned)
        / nullif({{ c }}.offered - {{ c }}.short_abandoned, 0) as abandon_rate,
        {{ l }}.abandon_rate_target,
        {{ c }}.handled_calls,
        {{ c }}.total_handle_seconds,
        {{ c }}.total_handle_seconds / nullif({{ c }}.handled_calls, 0) as aht_seconds,
        {{ c }}.logged_in_seconds,
        {{ c }}.paused_seconds,
        {{ c }}.agent_talk_seconds,
        {{ c }}.agent_talk_seconds / nullif({{ c }}.logged_in_seconds - {{ c }}.paused_seconds, 0) as occupancy,
        ({{ c }}.logged_in_seconds - {{ c }}.paused_seconds) / ({{ period_seconds }}) as positions_staffed,
        {{ l }}.contracted_positions,
        {{ c }}.answered_identified,
        {{ c }}.repeat_contacts,
        {{ c }}.repeat_contacts / nullif({{ c }}.answered_identified, 0) as repeat_contact_rate,
        {{ c }}.attempts,
        {{ c }}.contacts,
        {{ c }}.contacts / nullif({{ c }}.attempts, 0) as contact_rate,
        {{ l }}.contact_rate_target,
        {{ c }}.retained,
        {{ c }}.cancelled,
        {{ c }}.retained + {{ c }}.cancelled as retention_closed,
        {{ c }}.retained / nullif({{ c }}.retained + {{ c }}.cancelled, 0) as retention_rate,
        {{ l }}.retention_rate_target,
        {{ c }}.cases_in,
        {{ c }}.cases_resolved,
        {{ c }}.cases_closed_unresolved,
        {{ c }}.resolved_with_target,
        {{ c }}.resolved_within_target,
        -- only cases whose motive or line has a resolution target are measured against one
        {{ c }}.resolved_within_target / nullif({{ c }}.resolved_with_target, 0) as resolution_within_target_share,
        {{ l }}.resolution_target_share,
        {{ c }}.reopened,
        {{ c }}.reopened / nullif({{ c }}.cases_resolved, 0) as reopen_rate,
        {{ c }}.first_responses,
        {{ c }}.first_response_business_seconds_total,
        {{ c }}.first_response_business_seconds_total / nullif({{ c }}.first_responses, 0)
            as case_first_response_avg_business_seconds,
        {{ c }}.interactions,
        {{ c }}.responded,
        {{ c }}.social_first_response_business_seconds_total,
        {{ c }}.social_first_response_business_seconds_total / nullif({{ c }}.responded, 0)
            as social_first_response_avg_business_seconds,
        {{ c }}.responded_within_target,
        {{ c }}.responded_within_target / nullif({{ c }}.interactions, 0) as first_response_within_target_share,
        {{ l }}.first_response_target_share,
        {{ c }}.hidden,
        {{ c }}.hidden / nullif({{ c }}.interactions, 0) as hidden_share,
        {{ c }}.escalated
{%- endmacro %}

{#- Summed counts of the KPI columns, for rolling intervals up to days and days to months;
    seconds are summed exactly (exact_sum), so a day's or a month's total has the same bits
    in every build. -#}
{% macro kpi_sums() -%}
        {%- for column in ['offered', 'answered', 'abandoned', 'short_abandoned', 'unanswered_by_system',
                           'pending_calls', 'lost_records', 'answered_within_threshold', 'handled_calls', 'answered_identified',
                           'repeat_contacts', 'attempts', 'contacts', 'retained', 'cancelled', 'cases_in',
                           'cases_resolved', 'cases_closed_unresolved', 'resolved_with_target', 'resolved_within_target', 'reopened', 'first_responses',
                           'interactions', 'responded', 'responded_within_target', 'hidden', 'escalated'] %}
        cast(sum({{ column }}) as bigint) as {{ column }},
        {%- endfor %}
        {%- for column in ['total_answer_wait_seconds', 'total_handle_seconds', 'logged_in_seconds',
                           'paused_seconds', 'agent_talk_seconds', 'first_response_business_seconds_total',
                           'social_first_response_business_seconds_total'] %}
        {{ exact_sum(column) }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
{%- endmacro %}
