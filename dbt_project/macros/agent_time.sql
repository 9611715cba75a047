{#- Reaches of the agent-time chain (docs/incremental.md), from the contract's longest shift:
    the var longest_shift_hours (measurement.agents.longest_shift_hours, passed by
    assets/rebuild.py; int_agent_state_segments stops the build when the contract's is longer). -#}

{#- Whole days a membership, hence a logged-in segment, can run past the day it starts. -#}
{% macro longest_shift_days() -%}
    {{ return((var('longest_shift_hours') / 24) | round(0, 'ceil') | int) }}
{%- endmacro %}

{#- int_agent_state_segments' reach: a row is decided by the lines within three longest shifts
    of it (the argument is in the model's header). -#}
{% macro agent_state_reach() -%}
    {{ return((3 * var('longest_shift_hours') / 24) | round(0, 'ceil') | int) }}
{%- endmacro %}

{#- fct_agent_intervals' reach [before, after]: a day's intervals take the logged-in segments
    that start that day or up to the longest shift's days before, and the talk of the calls
    entered that day or the day before (fct_calls' reach is sla_call_reach's). -#}
{% macro agent_intervals_reach() -%}
    {%- set calls = sla_call_reach() -%}
    {{ return([
        [agent_state_reach(), calls.before] | max,
        [agent_state_reach() + longest_shift_days(), calls.after + 1] | max,
    ]) }}
{%- endmacro %}
