{#- Per inbound line and 30-minute interval: positions staffed (logged in, not paused), also
    as the exact position-seconds behind them (what the staffed-positions term sums), positions
    contracted, and positions required by Erlang C for the interval's offered load,
    handling time and the line's service-level target; and, where the interval missed its
    service level, whose side the miss falls on. -#}
with

intervals as (

    select * from {{ ref('kpi_line_interval') }}
    where direction = 'inbound'

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

-- the line's usual handling time that day: the yardstick for "slower handling than usual"
daily_aht as (

    select
        line_code,
        report_date,
        {{ exact_sum('total_handle_seconds') }} / nullif(sum(handled_calls), 0) as day_aht_seconds
    from intervals
    group by line_code, report_date

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
        daily_aht.day_aht_seconds,
        case
            when intervals.offered > 0
                then
                    required_agents(
                        intervals.offered,
                        coalesce(intervals.aht_seconds, daily_aht.day_aht_seconds),
                        {{ var("interval_minutes") }} * 60,
                        intervals.service_level_target,
                        intervals.service_level_seconds
                    )
            else 0
        end as positions_required
    from intervals
    left join daily_aht
        on intervals.line_code = daily_aht.line_code and intervals.report_date = daily_aht.report_date
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
        day_aht_seconds,
        positions_staffed,
        staffed_position_seconds,
        contracted_positions,
        positions_required,
        service_level,
        service_level_target,
        coalesce(service_level < service_level_target, false) as is_service_level_missed,
        case
            when not coalesce(service_level < service_level_target, false) then null
            -- fewer seats filled than the load needed and than the contract owes: the operator's side
            when positions_staffed < positions_required and positions_staffed < contracted_positions
                then 'understaffed'
            -- the load needed more seats than the contract buys: the client's side
            when positions_required > contracted_positions then 'demand_above_contract'
            -- staffed as needed, but calls took longer than the day's usual
            when aht_seconds > 1.15 * day_aht_seconds then 'slow_handling'
            else 'other'
        end as miss_cause
    from sized

)

select * from final
