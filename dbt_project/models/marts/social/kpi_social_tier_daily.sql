{#- Social first response per influence tier and local day: the share answered within the
    tier's target is the contract's measure, so each tier is reported on its own. -#}
with

interactions as (

    select * from {{ ref('fct_social_interactions') }}

),

final as (

    select
        line_code || '|' || strftime(created_date, '%Y-%m-%d') || '|' || influence_tier as line_day_tier_key,
        line_code,
        created_date as report_date,
        influence_tier,
        count(*) as interactions,
        count(*) filter (where is_responded) as responded,
        count(*) filter (where is_responded_within_target) as responded_within_target,
        count(*) filter (where is_responded_within_target) / count(*) as first_response_within_target_share,
        coalesce({{ exact_sum('first_response_business_seconds') }}, 0) as first_response_business_seconds_total,
        max(first_response_target_minutes) as first_response_target_minutes,
        count(*) filter (where is_hidden) as hidden,
        count(*) filter (where is_escalated) as escalated
    from interactions
    group by line_code, created_date, influence_tier

)

select * from final
