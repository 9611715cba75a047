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
        lines.line_code = '{{ var("unmapped_line") }}' as is_unmapped
    from lines
    left join queues using (line_code)

)

select * from final
