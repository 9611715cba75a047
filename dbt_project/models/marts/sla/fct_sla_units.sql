{#- One row per contract term and unit counted for it: each call, case, social interaction or
    staffed interval with its numerator and denominator under the term in force that month,
    its state and whether a declared massive outage excludes it. Summing these rows gives
    every figure of sla_compliance_interval/_daily/_monthly, so any figure can be traced to
    the calls and cases behind it.
    States (DESIGN.md §5): met, missed, pending, excluded. A unit whose answer, resolution or
    end is not in the data yet is pending while its deadline lies after the end of its
    source's available data (int_source_data_end; the deadline in business time for cases and
    posts, entry + the contract's lost-record delay for calls, its end for a staffed interval),
    and missed after; a pending unit has numerator and denominator 0, so figures are
    met / (met + missed). A case's
    resolution class is the contract's (measurement.case_states): a close without resolution
    counts in the month it closed, as a miss; a case still open at the data's end counts in
    the month of the data's end (the earliest it can still be resolved in).
    Incremental (macros/rebuild_days.sql), by kind of unit:
    - calls by report_date, the day they entered: a call unit is computed from its fct_calls
      row of that day, the month's term (the contract: a change is a full refresh; a
      queue_log or CDR call's own file puts its month among its line's months; call-detail
      calls: docs/incremental.md, known limit) and the outage windows holding its entry. fct_calls changes only on the days it rebuilds, so the units reach as far
      as fct_calls does, for its sources (assert_reach_covers checks it); an outage changes
      the fingerprint of every day its window covers, where the calls it excludes entered.
    - cases, posts and staffed intervals are rebuilt whole on every run (rebuild_always): a
      case counts in the month it ended or, open, in the month of its source's data end, and
      is excluded by an outage at its creation, months before; whether an open case or post is
      pending or missed turns on a business-time deadline against the data's end; an interval
      is pending until the queue_log covers its end. They are about 6 % of the units. -#}
{%- set reach = sla_call_reach() %}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='report_date',
    rebuild_before=reach.before,
    rebuild_after=reach.after,
    rebuild_sources=reach.sources,
    rebuild_always="unit_kind <> 'call'",
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
{{- assert_reach_covers(['fct_calls']) }}
with

terms as (

    select * from {{ ref('int_sla_terms_monthly') }}

),

calls as (

    select * from {{ ref('fct_calls') }}
    where {{ in_rebuild_days('entered_date') }}

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

data_end as (

    select * from {{ ref('int_source_data_end') }}

),

calendar as (

    select * from {{ ref('stg_contract__business_calendar') }}

),

measurement as (

    select * from {{ ref('stg_contract__measurement') }}

),

call_units as (

    select
        {{ sla_term_columns('terms') }},
        calls.entered_date as report_date,
        calls.entered_interval_start as interval_start,
        'call' as unit_kind,
        calls.call_key as unit_key,
        calls.entered_at_local as cause_at,
        calls.entered_at_local as cause_until,
        case terms.metric
            when 'service_level'
                then (calls.is_line_answered and calls.line_wait_seconds <= terms.threshold)::int
            when 'abandon_rate' then (calls.is_line_abandoned and not calls.is_line_short_abandon)::int
            when 'average_speed_of_answer' then case when calls.is_line_answered then calls.line_wait_seconds else 0 end
            when 'contact_rate' then calls.is_contact::int
        end::double as numerator,
        case terms.metric
            when 'service_level'
                then {{ service_level_denominator(
                    'terms.denominator_variant', '1', 'calls.is_line_answered::int',
                    'calls.is_line_abandoned::int', 'calls.is_line_short_abandon::int'
                ) }}
            when 'abandon_rate' then (not calls.is_line_short_abandon)::int
            when 'average_speed_of_answer' then calls.is_line_answered::int
            when 'contact_rate' then 1
        end::double as denominator,
        -- a line contact still without an end at the data's end may yet be answered: pending;
        -- one counted unit per line contact (fct_calls: its first entry carries it)
        coalesce(calls.is_pending, false) as is_pending,
        case
            when calls.is_pending
                then calls.entered_at_local + to_minutes(measurement.lost_record_after_minutes)
        end as due_at_local,
        null::varchar as resolution_class,
        null::varchar as case_status
    from calls
    cross join measurement
    inner join terms
        on
            calls.line_code = terms.line_code
            and date_trunc('month', calls.entered_date) = terms.report_month
    where
        (
            terms.metric in ('service_level', 'abandon_rate', 'average_speed_of_answer')
            and (calls.is_offered or calls.is_pending)
        )
        or (terms.metric = 'contact_rate' and calls.direction = 'outbound')

),

-- where each case's resolution counts: the month it ended (resolved, or closed without a
-- resolution); a case still open counts in the month of its source's data end
case_ends as (

    select
        cases.*,
        data_end.data_end_local,
        coalesce(cases.ended_at_local, data_end.data_end_local) as counted_at_local
    from cases
    left join data_end on cases.landing_source = data_end.source

),

-- resolutions and retention outcomes count in the month the case ended
resolution_units as (

    select
        {{ sla_term_columns('terms') }},
        case_ends.counted_at_local::date as report_date,
        {{ interval_start('case_ends.counted_at_local') }} as interval_start,
        'case' as unit_kind,
        case_ends.case_key as unit_key,
        case_ends.created_at_local as cause_at,
        case_ends.created_at_local as cause_until,
        case terms.metric
            when 'retention_rate' then (case_ends.outcome = 'retained')::int
            else coalesce(
                case_ends.is_resolved
                and case_ends.resolution_business_seconds
                <= coalesce(terms.threshold, case_ends.resolution_target_business_hours) * 3600,
                false
            )::int
        end::double as numerator,
        1.0 as denominator,
        case_ends.ended_at_local is null as is_open_at_data_end,
        case_ends.data_end_local,
        coalesce(terms.threshold, case_ends.resolution_target_business_hours) * 3600 as seconds_allowed,
        case_ends.resolution_class,
        case_ends.status as case_status
    from case_ends
    inner join terms
        on
            case_ends.line_code = terms.line_code
            and date_trunc('month', case_ends.counted_at_local) = terms.report_month
    where
        (
            terms.metric = 'retention_rate'
            and case_ends.ended_at_local is not null
            and case_ends.outcome in ('retained', 'cancelled')
        )
        or (
            terms.metric = 'resolution_within_target'
            and coalesce(terms.threshold, case_ends.resolution_target_business_hours) is not null
        )

),

-- first responses count in the month the case was opened; no response by the deadline is
-- a miss, no response yet before it is pending
response_units as (

    select
        {{ sla_term_columns('terms') }},
        case_ends.created_date as report_date,
        case_ends.created_interval_start as interval_start,
        'case' as unit_kind,
        case_ends.case_key as unit_key,
        case_ends.created_at_local as cause_at,
        case_ends.created_at_local as cause_until,
        coalesce(case_ends.first_response_business_seconds <= terms.threshold * 3600, false)::int::double
            as numerator,
        1.0 as denominator,
        case_ends.first_response_at_local is null as is_open_at_data_end,
        case_ends.data_end_local,
        terms.threshold * 3600 as seconds_allowed,
        case_ends.resolution_class,
        case_ends.status as case_status
    from case_ends
    inner join terms
        on
            case_ends.line_code = terms.line_code
            and date_trunc('month', case_ends.created_date) = terms.report_month
    where terms.metric = 'first_response_within_target' and terms.direction = 'backoffice'

),

social_units as (

    select
        {{ sla_term_columns('terms') }},
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
        1.0 as denominator,
        not social.is_responded as is_open_at_data_end,
        data_end.data_end_local,
        coalesce(terms.threshold, social.first_response_target_minutes) * 60 as seconds_allowed,
        null::varchar as resolution_class,
        null::varchar as case_status
    from social
    left join data_end
        on data_end.source = case social.platform when 'twitter' then 'twitter_v2' else 'facebook_graph' end
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
        {{ sla_term_columns('terms') }},
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
        (staffing.contracted_positions * {{ var("interval_minutes") }} * 60)::double as denominator,
        -- an interval the queue_log has not covered to its end yet is not over: pending
        coalesce(
            queue_log_end.data_end_local
            < staffing.interval_start + interval '{{ var("interval_minutes") }} minutes',
            true
        ) as is_pending,
        case
            when
                coalesce(
                    queue_log_end.data_end_local
                    < staffing.interval_start + interval '{{ var("interval_minutes") }} minutes',
                    true
                )
                then staffing.interval_start + interval '{{ var("interval_minutes") }} minutes'
        end as due_at_local,
        null::varchar as resolution_class,
        null::varchar as case_status
    from staffing
    left join data_end as queue_log_end on queue_log_end.source = 'asterisk_queue_log'
    inner join terms
        on
            staffing.line_code = terms.line_code
            and date_trunc('month', staffing.report_date) = terms.report_month
    where terms.metric = 'staffed_positions' and staffing.contracted_positions > 0

),

-- cases and posts with no answer (resolution) yet: their deadline in business time, when it
-- falls by the data's end
timed_units as (

    select * from resolution_units
    union all by name
    select * from response_units
    union all by name
    select * from social_units

),

open_spans as (

    select
        line_code || '|' || term_code || '|' || unit_key as span_key,
        line_code,
        cause_at as span_start,
        data_end_local as span_end,
        seconds_allowed
    from timed_units
    where is_open_at_data_end and data_end_local >= cause_at

),

deadlines as (

    {{ business_deadline_by_key('open_spans', 'calendar') }}

),

-- still open at the data's end: missed once the deadline has passed, else pending
timed_states as (

    select
        timed_units.* exclude (
            timed_units.is_open_at_data_end, timed_units.data_end_local, timed_units.seconds_allowed
        ),
        timed_units.is_open_at_data_end
        and not coalesce(timed_units.data_end_local > deadlines.deadline_at, false) as is_pending,
        case when timed_units.is_open_at_data_end then deadlines.deadline_at end as due_at_local
    from timed_units
    left join deadlines
        on timed_units.line_code || '|' || timed_units.term_code || '|' || timed_units.unit_key = deadlines.span_key

),

units as (

    select * from call_units
    union all by name
    select * from timed_states
    union all by name
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
        -- a pending unit is neither met nor missed yet: it counts in no figure
        case when units.is_pending then 0 else units.numerator end as numerator,
        case when units.is_pending then 0 else units.denominator end as denominator,
        case
            when excluded.outage_id is not null then 'excluded'
            when units.is_pending then 'pending'
            when units.metric = 'abandon_rate' then case when units.numerator > 0 then 'missed' else 'met' end
            when units.metric = 'average_speed_of_answer'
                then case when units.numerator <= units.target then 'met' else 'missed' end
            when units.numerator >= units.denominator then 'met'
            else 'missed'
        end as unit_state,
        units.due_at_local,
        units.resolution_class,
        units.case_status,
        excluded.outage_id is not null as is_excluded,
        excluded.outage_id
    from units
    left join excluded
        on
            units.line_code = excluded.line_code
            and units.term_code = excluded.term_code
            and units.unit_key = excluded.unit_key
    where
        (units.denominator > 0 or units.is_pending)
        and ({{ in_rebuild_days('units.report_date') }} or units.unit_kind <> 'call')

)

select * from final
