with

lines as (

    select * from {{ ref('stg_contract__lines') }}

),

queues as (

    select
        line_code,
        count(*) as queue_count,
        string_agg(queue_name, ', ' order by queue_name) as queue_names
    from {{ ref('stg_contract__queues') }}
    group by line_code

),

line_targets as (

    select
        line_code,
        max(value) filter (where name = 'repeat_contact_days') as repeat_contact_days,
        max(value) filter (where name = 'contact_rate_target') as contact_rate_target,
        max(value) filter (where name = 'retention_rate_target') as retention_rate_target,
        max(value) filter (where name = 'first_response_target_business_hours')
            as first_response_target_business_hours,
        max(value) filter (where name = 'resolution_target_business_hours')
            as resolution_target_business_hours,
        max(value) filter (where name = 'resolution_target_share') as resolution_target_share,
        max(value) filter (where name = 'first_response_target_share') as first_response_target_share
    from {{ ref('stg_contract__targets') }}
    where kind = 'line'
    group by line_code

),

final as (

    select
        lines.line_code,
        lines.line_name,
        lines.direction,
        coalesce(queues.queue_count, 0) as queue_count,
        queues.queue_names,
        lines.service_level_seconds,
        lines.service_level_target,
        lines.service_level_denominator,
        lines.short_abandon_seconds,
        lines.abandon_rate_target,
        lines.asa_target_seconds,
        lines.contracted_positions,
        cast(line_targets.repeat_contact_days as integer) as repeat_contact_days,
        line_targets.contact_rate_target,
        line_targets.retention_rate_target,
        line_targets.first_response_target_business_hours,
        line_targets.resolution_target_business_hours,
        line_targets.resolution_target_share,
        line_targets.first_response_target_share,
        lines.line_code = '{{ var("unmapped_line") }}' as is_unmapped
    from lines
    left join queues on lines.line_code = queues.line_code
    left join line_targets on lines.line_code = line_targets.line_code

)

select * from final
