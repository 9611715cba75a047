{#- The columns of the contract term a unit of fct_sla_units counts for, from `terms`
    (int_sla_terms_monthly joined on the unit's line and month): every kind of unit carries
    the same ones. -#}
{% macro sla_term_columns(terms) -%}
        {{ terms }}.line_code,
        {{ terms }}.term_code,
        {{ terms }}.metric,
        {{ terms }}.report_month,
        {{ terms }}.outage_exclusion,
        {{ terms }}.target
{%- endmacro %}

{#- The figures of a contract term from its summed numerator and denominator. Shares and
    averages are ratios of sums, never averages of ratios. -#}

{% macro sla_value(numerator, denominator) -%}
    ({{ numerator }} / nullif({{ denominator }}, 0))
{%- endmacro %}

{#- null when there is no volume: nothing was measured, nothing was missed. Met means no
    shortfall after rounding, so float noise (0.9499999999998 against 0.95) is never a miss
    without a penalty. -#}
{% macro sla_is_met(value, comparison, target, unit="'share'") -%}
    case
        when {{ value }} is null then null
        else {{ sla_shortfall_points(value, unit, comparison, target) }} = 0
    end
{%- endmacro %}

{#- positive = better than the target, in the figure's own unit -#}
{% macro sla_margin(value, comparison, target) -%}
    case when {{ comparison }} = 'at_least' then {{ value }} - {{ target }} else {{ target }} - {{ value }} end
{%- endmacro %}

{#- points below target: percentage points for shares, percent of the target for seconds;
    rounded to 1e-6 so that float noise (0.8 - 0.79) does not leak into the penalty -#}
{% macro sla_shortfall_points(value, unit, comparison, target) -%}
    case
        when {{ value }} is null then 0
        when {{ unit }} = 'share'
            then round(greatest(0, -({{ sla_margin(value, comparison, target) }})) * 100, 6)
        else round(greatest(0, -({{ sla_margin(value, comparison, target) }})) / {{ target }} * 100, 6)
    end
{%- endmacro %}

{#- The figure columns of a period row, from a CTE of summed units and the term in force:
    raw and adjusted numerator, denominator and value, excluded units, met and margin. -#}
{% macro sla_figure_columns(sums, terms) -%}
        {{ sums }}.raw_numerator,
        {{ sums }}.raw_denominator,
        {{ sla_value(sums ~ '.raw_numerator', sums ~ '.raw_denominator') }} as raw_value,
        {{ sums }}.excluded_units,
        {{ sums }}.pending_units,
        {{ sums }}.volume,
        {{ sums }}.adjusted_numerator,
        {{ sums }}.adjusted_denominator,
        {{ sla_value(sums ~ '.adjusted_numerator', sums ~ '.adjusted_denominator') }} as adjusted_value,
        {{ sla_is_met(sla_value(sums ~ '.adjusted_numerator', sums ~ '.adjusted_denominator'),
                      terms ~ '.comparison', terms ~ '.target', terms ~ '.unit') }} as is_met,
        {{ sla_margin(sla_value(sums ~ '.adjusted_numerator', sums ~ '.adjusted_denominator'),
                      terms ~ '.comparison', terms ~ '.target') }} as margin
{%- endmacro %}

{#- Sums of fct_sla_units per line, term and period (the period columns given). -#}
{% macro sla_unit_sums(period_columns) -%}
    select
        line_code,
        term_code,
        report_month,
        {{ period_columns | join(', ') }},
        {{ exact_sum('numerator') }} as raw_numerator,
        {{ exact_sum('denominator') }} as raw_denominator,
        count(*) filter (where is_excluded) as excluded_units,
        count(*) filter (where unit_state = 'pending') as pending_units,
        count(*) filter (where unit_state in ('met', 'missed')) as volume,
        coalesce({{ exact_sum('numerator', where='not is_excluded') }}, 0) as adjusted_numerator,
        coalesce({{ exact_sum('denominator', where='not is_excluded') }}, 0) as adjusted_denominator
    from units
    group by all
{%- endmacro %}

{#- A month whose queued calls include more lost records (no end event logged) than the
    contract's share cannot be certified: its figures rest on calls the PBX lost. `records`
    has lost_records and queued_calls, `measurement` lost_record_max_share. -#}
{% macro lost_records_over_share(records, measurement) -%}
    coalesce(
        {{ records }}.lost_records > {{ measurement }}.lost_record_max_share * {{ records }}.queued_calls, false
    )
{%- endmacro %}

{#- How far a changed day reaches into the SLA rows of calls (fct_sla_units' call units and
    int_sla_unit_files' call rows): a call's rows are computed from its fct_calls row of the
    day it entered, so they change on the days fct_calls rebuilds, its reach (fct_calls.sql:
    the lost-record delay, the call's own day and the next, the repeat window). Both models
    check at compile time that this still covers fct_calls' own (assert_reach_covers). -#}
{% macro sla_call_reach() -%}
    {{ return({
        'before': [1, var('lost_record_reach_days')] | max + 1 + var('repeat_contact_reach_days') + 1,
        'after': 2,
        'sources': ['asterisk_queue_log', 'asterisk_cdr', 'call_detail', 'outages'],
    }) }}
{%- endmacro %}
