{#- Reaches compose (docs/incremental.md): a model whose rows of a day are computed from an
    incremental upstream's rows of that same day changes on every day the upstream rebuilds, so
    its own reach must cover the upstream's: as many days before and after, for at least the
    same sources. Called from the reading model with the upstreams' names; fails the compile,
    naming both models and the fix, when an upstream's declared reach has outgrown the
    reader's (an upstream that is a plain table has no declared reach to compare). A reader
    whose row of day d takes the upstream's rows of days d - lag_before .. d + lag_after
    changes on the days the upstream rebuilds moved by those lags: its reach must cover the
    upstream's after + lag_before and before + lag_after. -#}
{% macro assert_reach_covers(upstreams, lag_before=0, lag_after=0) -%}
    {%- if execute and model.resource_type == 'model' -%}
        {%- set own_before = config.get('rebuild_before', 0) -%}
        {%- set own_after = config.get('rebuild_after', 0) -%}
        {%- set own_sources = config.get('rebuild_sources', none) -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.name in upstreams
                  and node.config.materialized == 'incremental' -%}
                {%- set before = node.config.get('rebuild_before', 0) + lag_after -%}
                {%- set after = node.config.get('rebuild_after', 0) + lag_before -%}
                {%- set sources = node.config.get('rebuild_sources', none) -%}
                {%- set missing = [] if own_sources is none
                    else (['every source'] if sources is none
                          else sources | reject('in', own_sources) | list) -%}
                {%- if own_before < before or own_after < after or missing -%}
                    {%- do exceptions.raise_compiler_error(
                        model.name ~ " reads the rows of " ~ node.name ~ " of the days it rebuilds, so its reach"
                        ~ " (before " ~ own_before ~ ", after " ~ own_after ~ ", sources " ~ own_sources ~ ")"
                        ~ " must cover that of " ~ node.name ~ " (before " ~ before ~ ", after " ~ after
                        ~ ", sources " ~ sources ~ "): raise rebuild_before / rebuild_after or add the"
                        ~ " sources in the config of " ~ model.original_file_path) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
