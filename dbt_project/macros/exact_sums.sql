{#- A sum that has the same bits whatever order the rows arrive in. Float addition is not
    associative, and DuckDB's threads hand an aggregate its rows in a different order in
    each build, so a plain sum() of non-integer doubles can change in its 15th digit from
    one build of the same files to the next. Each value is taken as a whole number of
    millionths (a DuckDB timestamp's precision, so every duration computed from timestamps
    is exact there), the whole numbers are added exactly and the division comes last.
    For seconds, counts, position-seconds, and percentages rounded to six decimals.
    `where` filters the rows (as `filter (where ...)`); `over` makes it a window sum. -#}
{% macro exact_sum(expr, where=none, over=none) -%}
    (sum(cast(round(({{ expr }}) * 1000000) as bigint))
    {%- if where %} filter (where {{ where }}){% endif %}
    {%- if over %} over ({{ over }}){% endif %} / 1000000)
{%- endmacro %}
