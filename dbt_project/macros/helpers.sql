{#- Naive UTC timestamp -> naive local wall-clock timestamp in the contract's time zone.
    Explicit both ways so the session TimeZone setting can never shift a call. -#}
{% macro to_local(ts_utc) -%}
    timezone('{{ var("timezone") }}', timezone('UTC', {{ ts_utc }}))
{%- endmacro %}

{#- The UTC quarter hour that holds a naive UTC timestamp. A history-wide count per local day
    groups by it first and converts each quarter hour to local time once, not each row: the
    conversion was most of the cost (2.1 s against 0.4 s for the 11.8 M queue_log lines of 90
    days at 10x the contract's positions). Exact because every UTC offset since 1972 is a
    whole number of quarter hours (+05:45, -03:30 included), as is every change of offset: no
    local midnight falls inside a quarter hour. -#}
{% macro utc_quarter_hour(ts_utc) -%}
    time_bucket(interval 15 minute, {{ ts_utc }})
{%- endmacro %}

{#- Start of the reporting interval (default 30 minutes) that holds a local timestamp. -#}
{% macro interval_start(ts_local) -%}
    time_bucket(interval '{{ var("interval_minutes") }} minutes', {{ ts_local }}, timestamp '2000-01-01')
{%- endmacro %}

{#- Seconds of [start, end) that fall inside [interval_start, interval_start + interval). -#}
{% macro overlap_seconds(start_ts, end_ts, bucket_start) -%}
    greatest(
        0,
        epoch(least({{ end_ts }}, {{ bucket_start }} + interval '{{ var("interval_minutes") }} minutes'))
        - epoch(greatest({{ start_ts }}, {{ bucket_start }}))
    )
{%- endmacro %}

{#- Keyed pseudonym of a personal value (phone number, e-mail, handle): HMAC-SHA256 with
    SLA_PSEUDONYM_KEY (ingestion/pseudonyms.py, registered by the dbt-duckdb plugin). The same
    value gives the same pseudonym, so repeat contacts still match; raw values stay in raw. -#}
{% macro pseudonymize(expr) -%}
    pseudonym({{ expr }})
{%- endmacro %}

{#- Business seconds of each span (span_key, line_code, span_start, span_end: local
    timestamps) from the line's business calendar: the overlap of the span with every
    business window between its first and last day. Used for every back-office and social
    duration, so a case opened on Friday evening before a holiday Monday counts nothing
    until Tuesday's opening. A span that meets no window (it lies wholly in weekends,
    holidays or bridge days) is worth 0: the bounds of a missing window are NULL, which
    least/greatest would skip, so the overlap is only taken where a window exists. The
    overlaps are summed in whole microseconds and divided once, so the figure is exact
    and the same whatever order the windows are added in. -#}
{% macro business_seconds_by_key(spans, calendar) -%}
    select
        spans.span_key,
        coalesce(sum(
            case
                when cal.window_start is not null and cal.window_end is not null
                    then greatest(
                        0,
                        epoch_us(least(spans.span_end, cal.window_end))
                        - epoch_us(greatest(spans.span_start, cal.window_start))
                    )
            end
        ), 0) / 1000000 as business_seconds
    from {{ spans }} as spans
    left join {{ calendar }} as cal
        on
            spans.line_code = cal.line_code
            and cal.is_business_day
            and cal.day between cast(spans.span_start as date) and cast(spans.span_end as date)
    group by spans.span_key
{%- endmacro %}

{#- The landing source (raw.landing_files.source) of a call of fct_calls: call-detail calls
    carry their mapping in source_system (call_detail:<mapping>), their files are the
    call_detail source's. -#}
{% macro call_landing_source(source_system) -%}
    case when {{ source_system }} like 'call_detail:%' then 'call_detail' else {{ source_system }} end
{%- endmacro %}
