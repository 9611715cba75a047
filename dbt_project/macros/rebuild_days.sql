{#- Incremental models that rebuild whole local days (docs/incremental.md).

    A model that grows with the history kept is materialized `incremental` with the
    `rebuild_days` strategy and three settings of its own config:
      rebuild_key     the column of the model that holds a row's local day (entered_date, day);
      rebuild_before  how many days before a changed day the model's rows can change too
                      (a call answered after midnight, a repeat window, a session across a gap);
      rebuild_after   how many days after it they can change (a trailing average, a deadline);
      rebuild_sources the landing sources whose changed days matter to the model (default: all);
      rebuild_always  optionally, a condition on the model's rows naming those it rebuilds whole on
                      every incremental run, whatever changed (rows whose reach cannot be bounded
                      in days, e.g. a case counted months after it opened): the strategy deletes
                      them with the rebuilt days, the model recomputes them all.
    On an incremental run the model computes, and the strategy replaces, exactly the rows whose
    day is within that reach of a day of int_rebuild_days; both sides call rebuild_days_sql with
    the same config, so what is deleted is what is recomputed, empty days included. A first run,
    or `--full-refresh`, builds every day: a full build and any sequence of incremental runs over
    the same files give the same table. -#}

{#- The local days the current incremental run rebuilds for the calling model: every day within
    [changed day - before, changed day + after] of a changed day. -#}
{% macro rebuild_days_sql(before=none, after=none) -%}
    {%- set before = config.get('rebuild_before', 0) if before is none else before -%}
    {%- set after = config.get('rebuild_after', 0) if after is none else after -%}
    {%- set sources = config.get('rebuild_sources', none) -%}
    select distinct cast(unnest(generate_series(
        changed.day - to_days({{ before }}), changed.day + to_days({{ after }}), interval 1 day
    )) as date) as day
    from {{ ref('int_rebuild_days') }} as changed
    {%- if sources %}
    where changed.source is null or changed.source in ('{{ sources | join("', '") }}')
    {%- endif %}
{%- endmacro %}

{#- Filter of a model's rows (or of an upstream's, with its own reach) to the days the run
    rebuilds; true on a full build. `day_expr` is a date expression.
    `range_column`: the stored column `day_expr` is computed from (a date or a timestamp,
    `range_type`), to be bounded as well by literal first and last days (`margin_days` wider
    on each side: 1 for a UTC time whose local day is `day_expr`). DuckDB skips a table's row
    groups by their min and max only on such a bound: the day through a time-zone conversion,
    compared with a subquery, reads every row (2 s of the queue_log at 10x the contract's
    positions for one day; 0.04 s bounded). -#}
{% macro in_rebuild_days(day_expr, before=none, after=none, range_column=none, range_type='timestamp',
                         margin_days=0) -%}
    {#- a unit test runs the model on its fixtures alone: every fixture row is in scope -#}
    {%- if model.resource_type != 'unit_test' and is_incremental() -%}
        {%- if range_column is not none -%}
            {%- set bounds = rebuild_day_bounds(before, after, margin_days) -%}
            {%- if bounds[0] is none -%}
        false and
            {%- else %}
        {{ range_column }} >= {{ range_type }} '{{ bounds[0] }}'
        and {{ range_column }} < {{ range_type }} '{{ bounds[1] }}' and
            {%- endif %}
        {% endif -%}
        {{ day_expr }} in ({{ rebuild_days_sql(before, after) }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The first rebuilt day (with the model's reach) less `margin_days`, and the day after the
    last one plus `margin_days`, as ISO dates; none when the run rebuilds no day. Read when the
    model runs, after int_rebuild_days is built. -#}
{% macro rebuild_day_bounds(before, after, margin_days) -%}
    {%- set bounds_sql -%}
        select
            cast(min(day) - {{ margin_days }} as varchar),
            cast(max(day) + {{ margin_days + 1 }} as varchar)
        from ({{ rebuild_days_sql(before, after) }})
    {%- endset -%}
    {%- set row = run_query(bounds_sql).rows[0] -%}
    {{ return([row[0], row[1]]) }}
{%- endmacro %}

{#- dbt custom incremental strategy: replace the rebuilt days in one transaction (the
    materialization's), so a crash leaves the previous rows. -#}
{% macro get_incremental_rebuild_days_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set key = config.require('rebuild_key') -%}
    {%- set always = config.get('rebuild_always', none) %}
    delete from {{ target }} where {{ key }} in ({{ rebuild_days_sql() }})
    {%- if always %} or ({{ always }}){% endif %};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- on-run-end: after a run that built int_raw_day_fingerprints and every rebuild_days model
    and whose every result passed, remember the raw fingerprints it was built from
    (int_rebuild_days compares the next run's with them) and the fingerprint of the rules
    (contract, mappings, models: assets/rebuild.py; a change means a full refresh). A run that failed, skipped a model or
    left one out keeps the previous ones, so the next run rebuilds every day changed since the
    last complete build: a crash is recovered by re-running. -#}
{% macro remember_built_days(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set passed = [] -%}
        {%- set failed = [] -%}
        {%- for result in results -%}
            {%- if result.status in ('success', 'pass', 'warn') -%}
                {%- do passed.append(result.node.unique_id) -%}
            {%- else -%}
                {%- do failed.append(result.node.unique_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set needed = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and (node.config.materialized == 'incremental'
                  or node.name == 'int_raw_day_fingerprints') -%}
                {%- do needed.append(node) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set missing = needed | rejectattr('unique_id', 'in', passed) | list -%}
        {%- if failed | length == 0 and missing | length == 0 -%}
            {%- set source = needed | selectattr('name', 'equalto', 'int_raw_day_fingerprints') | first -%}
            {%- set fingerprints = api.Relation.create(source.database, source.schema, source.alias) -%}
            {%- set schema = fingerprints.include(identifier=false) -%}
            create or replace table {{ schema }}.built_day_fingerprints as
            select * from {{ fingerprints }};
            create or replace table {{ schema }}.built_rules as
            select '{{ var("build_fingerprint", "") }}' as build_fingerprint
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
