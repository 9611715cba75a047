{#- The instant a span's business time reaches its allowance: for each span (span_key,
    line_code, span_start, span_end, seconds_allowed; local timestamps), walk the line's
    business windows from span_start and return the instant at which seconds_allowed business
    seconds have elapsed, when that happens by span_end; spans whose allowance is not used up
    by span_end are left out (their deadline lies after it). With span_end = the end of the
    available data, a unit with no answer yet whose deadline is returned was missed; one left
    out is pending. An allowance of 0 is due at the first business instant. -#}
{% macro business_deadline_by_key(spans, calendar) -%}
    select
        span_key,
        -- whole microseconds, so the instant is exact and the same in every build
        window_from + to_microseconds(
            cast(round((seconds_allowed - (elapsed_after - (epoch(window_to) - epoch(window_from)))) * 1e6) as bigint)
        ) as deadline_at
    from (
        select
            spans.span_key,
            spans.seconds_allowed,
            greatest(spans.span_start, cal.window_start) as window_from,
            least(spans.span_end, cal.window_end) as window_to,
            sum(epoch(least(spans.span_end, cal.window_end)) - epoch(greatest(spans.span_start, cal.window_start)))
                over (
                    partition by spans.span_key order by cal.window_start rows unbounded preceding
                ) as elapsed_after
        from {{ spans }} as spans
        inner join {{ calendar }} as cal
            on
                spans.line_code = cal.line_code
                and cal.is_business_day
                and cal.day between cast(spans.span_start as date) and cast(spans.span_end as date)
                and cal.window_end > spans.span_start
                and cal.window_start < spans.span_end
    ) as windows
    where elapsed_after >= seconds_allowed
    qualify row_number() over (partition by span_key order by window_from) = 1
{%- endmacro %}
