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

{#- fct_calls' reach [before, after] as its header argues it (the lost-record delay, a
    call's own day and the next, the repeat window); require_reach_covers checks it against
    fct_calls' config. -#}
{% macro calls_reach() -%}
    {{ return([[1, var('lost_record_reach_days')] | max + 1 + var('repeat_contact_reach_days') + 1, 2]) }}
{%- endmacro %}

{#- fct_agent_intervals' reach [before, after]: a day's intervals take the logged-in segments
    that start that day or up to the longest shift's days before, and the talk of the calls
    entered that day or the day before. -#}
{% macro agent_intervals_reach() -%}
    {%- set calls = calls_reach() -%}
    {{ return([
        [agent_state_reach(), calls[0]] | max,
        [agent_state_reach() + longest_shift_days(), calls[1] + 1] | max,
    ]) }}
{%- endmacro %}

{#- At execution, fail unless the calling model's reach covers an upstream incremental
    model's plus the days its rows take the upstream's from: a row of day d read upstream rows
    of days d - lag_before .. d + lag_after, so an upstream row of day u reaches the caller's
    days u - lag_after .. u + lag_before. An upstream that is a full table is checked through
    its own incremental parents. A model's reach is a number at parse time, where no other
    model's config can be read: this keeps the numbers in step when an upstream's changes. -#}
{% macro require_reach_covers(upstream, lag_before=0, lag_after=0) -%}
    {%- if execute and model.resource_type == 'model' -%}
        {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', upstream) | first -%}
        {%- if node.config.materialized == 'incremental' -%}
            {%- set need_before = node.config.get('rebuild_before', 0) + lag_after -%}
            {%- set need_after = node.config.get('rebuild_after', 0) + lag_before -%}
            {%- if config.get('rebuild_before', 0) < need_before or config.get('rebuild_after', 0) < need_after -%}
                {{ exceptions.raise_compiler_error(
                    model.name ~ ": its reach (rebuild_before " ~ config.get('rebuild_before', 0)
                    ~ ", rebuild_after " ~ config.get('rebuild_after', 0) ~ ") does not cover " ~ upstream
                    ~ "'s plus the days it reads (needs at least " ~ need_before ~ " / " ~ need_after
                    ~ "): widen it in " ~ model.original_file_path ~ " and its row of docs/incremental.md") }}
            {%- endif -%}
        {%- else -%}
            {%- for parent in node.depends_on.nodes if parent.startswith('model.') -%}
                {%- do require_reach_covers(parent.split('.')[-1], lag_before, lag_after) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
