{#- One row per contract term and unit counted for it: each call, case, social interaction or
    staffed interval with its numerator and denominator under the term in force that month,
    and whether a declared massive outage excludes it. Summing these rows gives every
    figure of sla_compliance_interval/_daily/_monthly, so any figure can be traced to the
    calls and cases behind it. -#}
with

terms as (

    select * from {{ ref('int_sla_terms_monthly') }}

),

calls as (

    select * from {{ ref('fct_calls') }}

),

cases as (

    select * from {{ ref('fct_cases') }}

),

social as (

    select * from {{ ref('fct_social_interactions') }}

),

staffing as (

    select * from {{ ref('staffing_interval') }}

),

outages as (

    select * from {{ ref('stg_noc__outages') }}
    where not is_open

),

call_units as (

    select
        terms.line_code,
        terms.term_code,
        terms.metric,
        terms.report_month,
        terms.outage_exclusion,
        calls.entered_date as report_date,
        calls.entered_interval_start as interval_start,
        'call' as unit_kind,
        calls.call_key as unit_key,
        calls.entered_at_local as cause_at,
        calls.entered_at_local as cause_until,
        case terms.metric
            when 'service_level'
                then (calls.is_answered and calls.wait_seconds <= terms.threshold)::int
            when 'abandon_rate' then (calls.is_abandoned and not calls.is_short_abandon)::int
            when 'average_speed_of_answer' then case when calls.is_answered then calls.wait_seconds else 0 end
            when 'contact_rate' then calls.is_contact::int
        end::double as numerator,
        case terms.metric
            when 'service_level'
                then
                    case terms.denominator_variant
                        when 'offered' then 1
                        when 'answered' then calls.is_answered::int
                        when 'answered_plus_abandoned'
                            then (calls.is_answered or (calls.is_abandoned and not calls.is_short_abandon))::int
                        else (not calls.is_short_abandon)::int
                    end
            when 'abandon_rate' then (not calls.is_short_abandon)::int
            when 'average_speed_of_answer' then calls.is_answered::int
            when 'contact_rate' then 1
        end::double as denominator
    from calls
    inner join terms
        on
            calls.line_code = terms.line_code
            and date_trunc('month', calls.entered_date) = terms.report_month
    where
        (terms.metric in ('service_level', 'abandon_rate', 'average_speed_of_answer') and calls.is_offered)
        or (terms.metric = 'contact_rate' and calls.direction = 'outbound')

),

-- resolutions and retention outcomes count in the month the case is resolved
resolution_units as (

    select
        terms.line_code,
        terms.term_code,
        terms.metric,
        terms.report_month,
        terms.outage_exclusion,
        cases.resolved_at_local::date as report_date,
        {{ interval_start('cases.resolved_at_local') }} as interval_start,
        'case' as unit_kind,
        cases.case_key as unit_key,
        cases.created_at_local as cause_at,
        cases.created_at_local as cause_until,
        case terms.metric
            when 'retention_rate' then (cases.outcome = 'retained')::int
            else coalesce(
                cases.resolution_business_seconds
                <= coalesce(terms.threshold, cases.resolution_target_business_hours) * 3600,
                false
            )::int
        end::double as numerator,
        1.0 as denominator
    from cases
    inner join terms
        on
            cases.line_code = terms.line_code
            and date_trunc('month', cases.resolved_at_local) = terms.report_month
    where
        (terms.metric = 'retention_rate' and cases.outcome in ('retained', 'cancelled'))
        or (
            terms.metric = 'resolution_within_target'
            and coalesce(terms.threshold, cases.resolution_target_business_hours) is not null
        )

),

-- first responses count in the month the case was opened; no response is a miss
response_units as (

    select
        terms.line_code,
        terms.term_code,
        terms.metric,
        terms.report_month,
        terms.outage_exclusion,
        cases.created_date as report_date,
        cases.created_interval_start as interval_start,
        'case' as unit_kind,
        cases.case_key as unit_key,
        cases.created_at_local as cause_at,
        cases.created_at_local as cause_until,
        coalesce(cases.first_response_business_seconds <= terms.threshold * 3600, false)::int::double
            as numerator,
        1.0 as denominator
    from cases
    inner join terms
        on
            cases.line_code = terms.line_code
            and date_trunc('month', cases.created_date) = terms.report_month
    where terms.metric = 'first_response_within_target' and terms.direction = 'backoffice'

),

social_units as (

    select
        terms.line_code,
        terms.term_code,
        terms.metric,
        terms.report_month,
        terms.outage_exclusion,
        social.created_date as report_date,
        social.created_interval_start as interval_start,
        'interaction' as unit_kind,
        social.interaction_key as unit_key,
        social.created_at_local as cause_at,
        social.created_at_local as cause_until,
        coalesce(
            social.is_responded
            and social.first_response_business_seconds
            <= coalesce(terms.threshold, social.first_response_target_minutes) * 60,
            false
        )::int::double as numerator,
        1.0 as denominator
    from social
    inner join terms
        on
            social.line_code = terms.line_code
            and date_trunc('month', social.created_date) = terms.report_month
    where terms.metric = 'first_response_within_target' and terms.direction = 'social'

),

-- staffing: the position-seconds owed in the interval, and the staffed ones up to that
-- number (seats beyond the contract in one interval do not make up for a shortfall in
-- another). Seconds, not positions: staffed positions are seconds / interval length, whose
-- sum would change in its last digits with the order of the rows; the ratio is the same.
interval_units as (

    select
        terms.line_code,
        terms.term_code,
        terms.metric,
        terms.report_month,
        terms.outage_exclusion,
        staffing.report_date,
        staffing.interval_start,
        'interval' as unit_kind,
        staffing.line_interval_key as unit_key,
        staffing.interval_start as cause_at,
        staffing.interval_start + interval '{{ var("interval_minutes") }} minutes' as cause_until,
        least(
            coalesce(staffing.staffed_position_seconds, 0),
            staffing.contracted_positions * {{ var("interval_minutes") }} * 60
        )::double as numerator,
        (staffing.contracted_positions * {{ var("interval_minutes") }} * 60)::double as denominator
    from staffing
    inner join terms
        on
            staffing.line_code = terms.line_code
            and date_trunc('month', staffing.report_date) = terms.report_month
    where terms.metric = 'staffed_positions' and staffing.contracted_positions > 0

),

units as (

    select * from call_units
    union all
    select * from resolution_units
    union all
    select * from response_units
    union all
    select * from social_units
    union all
    select * from interval_units

),

-- a unit is inside a window when it starts in it (calls, cases, posts) or, for an
-- interval, when the two overlap
excluded as (

    select
        units.line_code,
        units.term_code,
        units.unit_key,
        min(outages.outage_id) as outage_id
    from units
    inner join outages
        on
            units.cause_at < outages.end_local
            and (
                (units.cause_until = units.cause_at and units.cause_at >= outages.start_local)
                or (units.cause_until > units.cause_at and units.cause_until > outages.start_local)
            )
    where units.outage_exclusion
    group by all

),

final as (

    select
        units.line_code || '|' || units.term_code || '|' || units.unit_key as sla_unit_key,
        units.line_code,
        units.term_code,
        units.metric,
        units.report_month,
        units.report_date,
        units.interval_start,
        units.unit_kind,
        units.unit_key,
        units.numerator,
        units.denominator,
        excluded.outage_id is not null as is_excluded,
        excluded.outage_id
    from units
    left join excluded
        on
            units.line_code = excluded.line_code
            and units.term_code = excluded.term_code
            and units.unit_key = excluded.unit_key
    where units.denominator > 0

)

select * from final
