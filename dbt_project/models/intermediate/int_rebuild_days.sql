{#- One row per local day an incremental run rebuilds (macros/rebuild_days.sql): the days whose
    raw fingerprint (int_raw_day_fingerprints) differs from the one the last complete build
    recorded (built_day_fingerprints, written by the on-run-end hook), days that appeared or
    disappeared included, and the days of the run's partitions (raw.build_window, written by
    the Dagster asset from the run's partition range: for every source, so `source` is null).
    With no recorded build every fingerprinted day is rebuilt. Each model widens these days
    by its own reach and keeps the sources it reads (config rebuild_sources).
    Grain: source, day. -#}
{%- set built = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='built_day_fingerprints') -%}
with

current_days as (

    select * from {{ ref('int_raw_day_fingerprints') }}

),

built_days as (

    select
        source,
        day,
        fingerprint
    from {{ built if built is not none else 'current_days' }}
    {{- '' if built is not none else ' where false' }}

),

changed as (

    select
        coalesce(current_days.source, built_days.source) as source,
        coalesce(current_days.day, built_days.day) as day
    from current_days
    full outer join built_days
        on current_days.source = built_days.source and current_days.day = built_days.day
    where current_days.fingerprint is distinct from built_days.fingerprint

),

build_window as (

    select * from {{ source('raw', 'build_window') }}

),

partition_days as (

    select
        null::varchar as source,
        cast(unnest(generate_series(window_start, window_end, interval 1 day)) as date) as day
    from build_window

),

final as (

    select * from changed
    union
    select * from partition_days

)

select * from final
