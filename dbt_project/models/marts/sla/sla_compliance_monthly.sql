{#- The monthly SLA settlement: one row per line, month and contract term in force, with
    the raw figure, the figure after declared massive-outage exclusions (for terms that
    allow them), the target, met or not, the margin, the penalty from the contract's table,
    the volume behind it and whether the month's source data are complete enough to certify.
    Units not yet due are pending (fct_sla_units): they count in no figure, are shown beside
    it, and keep the month from being certifiable; so do calls whose end the PBX never
    logged (lost records) above the contract's share. -#}
with

terms as (

    select * from {{ ref('int_sla_terms_monthly') }}

),

units as (

    select * from {{ ref('fct_sla_units') }}

),

lines as (

    select * from {{ ref('dim_lines') }}

),

line_sources as (

    select * from {{ ref('int_line_sources') }}

),

data_quality as (

    select * from {{ ref('data_quality_daily') }}

),

measurement as (

    select * from {{ ref('stg_contract__measurement') }}

),

-- queued calls whose events stopped with no end (lost records), per line and month entered
call_records as (

    select
        line_code,
        date_trunc('month', entered_date)::date as report_month,
        count(*) as queued_calls,
        count(*) filter (where outcome = 'lost_record') as lost_records
    from {{ ref('fct_calls') }}
    where direction = 'inbound'
    group by all

),

summed as (

    select
        line_code,
        term_code,
        report_month,
        {{ exact_sum('numerator') }} as raw_numerator,
        {{ exact_sum('denominator') }} as raw_denominator,
        count(*) filter (where is_excluded) as excluded_units,
        coalesce({{ exact_sum('numerator', where='not is_excluded') }}, 0) as adjusted_numerator,
        coalesce({{ exact_sum('denominator', where='not is_excluded') }}, 0) as adjusted_denominator,
        count(*) filter (where unit_state in ('met', 'missed')) as volume,
        count(*) filter (where unit_state = 'met') as met_units,
        count(*) filter (where unit_state = 'missed') as missed_units,
        count(*) filter (where unit_state = 'pending') as pending_units
    from units
    group by all

),

-- a line's month is not certifiable while any of its terms has a unit not yet due
line_pending as (

    select
        line_code,
        report_month,
        cast(sum(pending_units) as bigint) as line_pending_units
    from summed
    group by all

),

-- every day of the month against every source the line needs
month_days as (

    select distinct
        terms.line_code,
        terms.report_month,
        day.day::date as report_date
    from terms,
        lateral unnest(generate_series(
            terms.report_month, terms.report_month + interval 1 month - interval 1 day, interval 1 day
        )) as day (day)

),

day_status as (

    select
        month_days.line_code,
        month_days.report_month,
        month_days.report_date,
        bool_or(not coalesce(data_quality.is_covered, false)) as is_missing,
        bool_or(coalesce(data_quality.rows_rejected, 0) > 0) as has_rejects
    from month_days
    inner join line_sources on month_days.line_code = line_sources.line_code
    left join data_quality
        on
            line_sources.source = data_quality.source
            and month_days.report_date = data_quality.report_date
    group by all

),

source_last_days as (

    select
        source,
        max(report_date) filter (where is_covered) as last_day
    from data_quality
    group by source

),

-- a month is closed when every source the line needs has delivered a later day
last_covered as (

    select
        line_sources.line_code,
        -- a source that never delivered keeps every month open
        min(coalesce(source_last_days.last_day, date '0001-01-01')) as last_covered_day
    from line_sources
    left join source_last_days on line_sources.source = source_last_days.source
    group by line_sources.line_code

),

completeness as (

    select
        day_status.line_code,
        day_status.report_month,
        coalesce(
            any_value(last_covered.last_covered_day) > day_status.report_month + interval 1 month - interval 1 day,
            false
        ) as is_closed,
        count(*) filter (where day_status.is_missing) as days_missing,
        count(*) filter (where day_status.has_rejects) as days_rejected,
        coalesce(
            string_agg(strftime(day_status.report_date, '%Y-%m-%d'), ', ' order by day_status.report_date)
            filter (where day_status.is_missing),
            ''
        ) as days_without_data,
        coalesce(
            string_agg(strftime(day_status.report_date, '%Y-%m-%d'), ', ' order by day_status.report_date)
            filter (where day_status.has_rejects),
            ''
        ) as days_with_rejects
    from day_status
    left join last_covered on day_status.line_code = last_covered.line_code
    group by day_status.line_code, day_status.report_month

),

figured as (

    select
        terms.*,
        coalesce(summed.raw_numerator, 0) as raw_numerator,
        coalesce(summed.raw_denominator, 0) as raw_denominator,
        {{ sla_value('summed.raw_numerator', 'summed.raw_denominator') }} as raw_value,
        coalesce(summed.excluded_units, 0) as excluded_units,
        coalesce(summed.adjusted_numerator, 0) as adjusted_numerator,
        coalesce(summed.adjusted_denominator, 0) as adjusted_denominator,
        {{ sla_value('summed.adjusted_numerator', 'summed.adjusted_denominator') }} as adjusted_value,
        coalesce(summed.volume, 0) as volume,
        coalesce(summed.met_units, 0) as met_units,
        coalesce(summed.missed_units, 0) as missed_units,
        coalesce(summed.pending_units, 0) as pending_units
    from terms
    left join summed
        on
            terms.line_code = summed.line_code
            and terms.term_code = summed.term_code
            and terms.report_month = summed.report_month

),

penalised as (

    select
        *,
        {{ sla_is_met('adjusted_value', 'comparison', 'target', 'unit') }} as is_met,
        {{ sla_margin('adjusted_value', 'comparison', 'target') }} as margin,
        {{ sla_shortfall_points('adjusted_value', 'unit', 'comparison', 'target') }} as shortfall_points
    from figured

),

capped as (

    select
        *,
        round(least(
            coalesce(penalty_cap_percent, 'infinity'::double), shortfall_points * penalty_percent_per_point
        ), 6) as penalty_percent
    from penalised

),

final as (

    select
        capped.line_code || '|' || strftime(capped.report_month, '%Y-%m') || '|' || capped.term_code
            as compliance_key,
        capped.line_code,
        lines.line_name,
        lines.direction,
        capped.report_month,
        capped.term_code,
        capped.term_name,
        capped.metric,
        capped.unit,
        capped.comparison,
        capped.threshold,
        capped.threshold_unit,
        capped.target,
        capped.denominator_variant,
        capped.outage_exclusion,
        capped.contract_version,
        capped.term_effective_from,
        capped.raw_numerator,
        capped.raw_denominator,
        capped.raw_value,
        capped.excluded_units,
        capped.adjusted_numerator,
        capped.adjusted_denominator,
        capped.adjusted_value,
        capped.volume,
        capped.met_units,
        capped.missed_units,
        capped.pending_units,
        coalesce(line_pending.line_pending_units, 0) as line_pending_units,
        coalesce(call_records.lost_records, 0) as lost_records,
        coalesce(call_records.queued_calls, 0) as queued_calls,
        measurement.lost_record_max_share,
        capped.is_met,
        capped.margin,
        capped.shortfall_points,
        capped.penalty_percent_per_point,
        capped.penalty_cap_percent,
        capped.penalty_percent,
        capped.line_penalty_cap_percent,
        round(least(
            coalesce(capped.line_penalty_cap_percent, 'infinity'::double),
            {{ exact_sum('capped.penalty_percent', over='partition by capped.line_code, capped.report_month') }}
        ), 6) as line_penalty_percent,
        coalesce(
            completeness.days_missing = 0 and completeness.days_rejected = 0 and completeness.is_closed
            and coalesce(line_pending.line_pending_units, 0) = 0
            and not {{ lost_records_over_share('call_records', 'measurement') }},
            false
        ) as is_certifiable,
        coalesce(completeness.days_without_data, '') as days_without_data,
        coalesce(completeness.days_with_rejects, '') as days_with_rejects,
        case
            when completeness.line_code is null then 'No certificable: la línea no tiene fuentes de datos declaradas'
            when
                completeness.days_missing = 0 and completeness.days_rejected = 0 and completeness.is_closed
                and coalesce(line_pending.line_pending_units, 0) = 0
                and not {{ lost_records_over_share('call_records', 'measurement') }}
                then 'Certificable: datos completos'
            else
                'No certificable: '
                || concat_ws(
                    '; ',
                    case
                        when completeness.days_missing > 0
                            then
                                completeness.days_missing
                                || ' día(s) sin datos ('
                                || completeness.days_without_data
                                || ')'
                    end,
                    case
                        when completeness.days_rejected > 0
                            then
                                completeness.days_rejected || ' día(s) con líneas rechazadas ('
                                || completeness.days_with_rejects || ')'
                    end,
                    -- every day delivered, but no source has reported past the month's end yet
                    case
                        when not completeness.is_closed and completeness.days_missing = 0
                            then 'mes sin cerrar (ninguna fuente trae aún datos posteriores a su último día)'
                    end,
                    case
                        when coalesce(line_pending.line_pending_units, 0) > 0
                            then line_pending.line_pending_units || ' unidad(es) pendiente(s) aún no vencida(s)'
                    end,
                    case
                        when {{ lost_records_over_share('call_records', 'measurement') }}
                            then
                                call_records.lost_records || ' llamada(s) sin registro de fin (más del '
                                || round(measurement.lost_record_max_share * 100, 3) || ' % de las encoladas)'
                    end
                )
        end as completeness_note
    from capped
    left join lines on capped.line_code = lines.line_code
    left join completeness
        on capped.line_code = completeness.line_code and capped.report_month = completeness.report_month
    left join line_pending
        on capped.line_code = line_pending.line_code and capped.report_month = line_pending.report_month
    left join call_records
        on capped.line_code = call_records.line_code and capped.report_month = call_records.report_month
    cross join measurement

)

select * from final
