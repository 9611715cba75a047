{#- Per inbound line and 30-minute interval: positions staffed (logged in, not paused), also
    as the exact position-seconds behind them (what the staffed-positions term sums), positions
    contracted, and positions required by Erlang C for the interval's offered load and the
    line's service-level target, once at the interval's own handling time and once at the
    line's usual one; and, where the interval missed its service level, whose side the miss
    falls on.

    The usual handling time is the line's AHT (handle seconds / handled calls) over the 28
    calendar days before the interval's day, that day excluded: four whole weeks weigh every
    weekday alike, and leaving the day out keeps a slow day from setting its own yardstick.
    The line's first day of data has no history and falls back on that day's AHT.

    Causes, first that holds (S staffed, C contracted, Ru required at the usual AHT, Ra at the
    interval's own AHT):
    1. understaffed: S < Ru, S < Ra and S < C. Fewer seats than the load needed at either
       pace and than the contract owes: the operator's side.
    2. demand_above_contract: S < Ru, S < Ra and S >= C (outside the bands C = 0). The
       operator filled what it owes, the load needed more: the client's side.
    3. slow_handling: Ru <= S < Ra. Enough seats for the load at the usual pace, not at the
       pace the interval's calls actually took.
    4. other: S >= Ra. Staffed for the interval as it happened (its load at its own pace;
       also when its calls were quicker than usual and only the usual pace needed more);
       the miss lies inside the interval (a burst of arrivals, agents staffed but not
       taking calls).
    Sizing with the usual AHT first is what lets slow handling be found at all: sized with
    the interval's own slow AHT, a slow interval reads as understaffed or as demand above
    contract.
    Incremental by report_date (macros/rebuild_days.sql). A day's rows read
    kpi_line_interval's rows of that day (offered, service level, staffing, handling) and of
    the 28 days before (the usual AHT); kpi_line_interval's call and agent columns take the
    rows of fct_calls and fct_agent_intervals of the same interval. So a changed day reaches
    the days theirs reach, and 28 days after those: a day's handling is in the yardstick of
    the four weeks that follow. Contract bands and calendar are rules (a full refresh). -#}
{%- set calls = sla_call_reach() %}
{%- set agent_intervals = agent_intervals_reach() %}
{%- set usual_aht_days = 28 %}
{%- set reach_before = [calls.before, agent_intervals[0]] | max %}
{%- set reach_after = [calls.after, agent_intervals[1]] | max + usual_aht_days %}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='report_date',
    rebuild_before=reach_before,
    rebuild_after=reach_after,
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
{{ assert_reach_covers(['kpi_line_interval', 'fct_calls', 'fct_agent_intervals'], lag_before=usual_aht_days) }}
with

intervals as (

    select * from {{ ref('kpi_line_interval') }}
    where
        direction = 'inbound'
        and {{ in_rebuild_days('report_date', before=reach_before + usual_aht_days, after=reach_after) }}

),

bands as (

    select * from {{ ref('stg_contract__staffing_bands') }}

),

calendar as (

    select * from {{ ref('stg_contract__business_calendar') }}

),

-- positions owed in the interval: the peak-hour band of the staffing entry in force that
-- month that holds the interval's start (none outside the bands, nor on national holidays
-- unless the entry says they are owed)
owed as (

    select
        intervals.line_code,
        intervals.interval_start,
        coalesce(sum(bands.positions), 0) as contracted_positions
    from intervals
    left join calendar
        on intervals.line_code = calendar.line_code and intervals.report_date = calendar.day
    left join bands
        on
            intervals.line_code = bands.line_code
            and date_trunc('month', intervals.interval_start) >= bands.effective_from
            and (bands.effective_to is null or date_trunc('month', intervals.interval_start) < bands.effective_to)
            and isodow(intervals.interval_start) - 1 = bands.weekday
            and intervals.interval_start::time >= bands.band_from
            and intervals.interval_start::time < bands.band_to
            and (bands.holidays_owed or calendar.holiday_name is null)
    group by intervals.line_code, intervals.interval_start

),

daily_handling as (

    select
        line_code,
        report_date,
        {{ exact_sum('total_handle_seconds') }} as handle_seconds,
        sum(handled_calls) as handled_calls
    from intervals
    group by line_code, report_date

),

-- the line's usual handling time for a day: the 28 days before it, the day itself left out
usual_aht as (

    select
        on_day.line_code,
        on_day.report_date,
        coalesce(
            {{ exact_sum('history.handle_seconds') }} / nullif(sum(history.handled_calls), 0),
            any_value(on_day.handle_seconds) / nullif(any_value(on_day.handled_calls), 0)
        ) as usual_aht_seconds
    from daily_handling as on_day
    left join daily_handling as history
        on
            on_day.line_code = history.line_code
            and on_day.report_date - {{ usual_aht_days }} <= history.report_date
            and on_day.report_date > history.report_date
    group by on_day.line_code, on_day.report_date

),

sized as (

    select
        intervals.line_code,
        intervals.interval_start,
        intervals.report_date,
        intervals.offered,
        intervals.service_level,
        intervals.service_level_target,
        intervals.service_level_seconds,
        intervals.positions_staffed,
        intervals.logged_in_seconds - intervals.paused_seconds as staffed_position_seconds,
        owed.contracted_positions,
        intervals.aht_seconds,
        usual_aht.usual_aht_seconds,
        -- an interval that handled no call has no pace of its own: the usual one stands in
        case
            when intervals.offered > 0
                then
                    required_agents(
                        intervals.offered,
                        coalesce(intervals.aht_seconds, usual_aht.usual_aht_seconds),
                        {{ var("interval_minutes") }} * 60,
                        intervals.service_level_target,
                        intervals.service_level_seconds
                    )
            else 0
        end as positions_required,
        case
            when intervals.offered > 0
                then
                    required_agents(
                        intervals.offered,
                        usual_aht.usual_aht_seconds,
                        {{ var("interval_minutes") }} * 60,
                        intervals.service_level_target,
                        intervals.service_level_seconds
                    )
            else 0
        end as positions_required_usual_aht
    from intervals
    left join usual_aht
        on intervals.line_code = usual_aht.line_code and intervals.report_date = usual_aht.report_date
    left join owed
        on intervals.line_code = owed.line_code and intervals.interval_start = owed.interval_start

),

final as (

    select
        line_code || '|' || strftime(interval_start, '%Y-%m-%dT%H:%M') as line_interval_key,
        line_code,
        interval_start,
        report_date,
        offered,
        aht_seconds,
        usual_aht_seconds,
        positions_staffed,
        staffed_position_seconds,
        contracted_positions,
        positions_required_usual_aht,
        positions_required,
        service_level,
        service_level_target,
        coalesce(service_level < service_level_target, false) as is_service_level_missed,
        case
            when not coalesce(service_level < service_level_target, false) then null
            -- the order and each cause's reason are in the header
            when
                positions_staffed < positions_required_usual_aht
                and positions_staffed < positions_required
                and positions_staffed < contracted_positions
                then 'understaffed'
            when
                positions_staffed < positions_required_usual_aht
                and positions_staffed < positions_required
                then 'demand_above_contract'
            when positions_staffed < positions_required then 'slow_handling'
            else 'other'
        end as miss_cause
    from sized
    where {{ in_rebuild_days('report_date') }}

)

select * from final
