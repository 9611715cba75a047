{#- One row per inbound social mention or comment: influence tier from the author's
    followers and the post's engagement (contract thresholds), first response in business
    time against the tier's target, hidden and escalated flags. -#}
with

interactions as (

    select * from {{ ref('int_social_interactions') }}

),

targets as (

    select * from {{ ref('stg_contract__targets') }}

),

calendar as (

    select * from {{ ref('stg_contract__business_calendar') }}

),

escalations as (

    select distinct origin_social_id from {{ ref('fct_cases') }}
    where origin_social_id is not null

),

tiers as (

    select
        line_code,
        name as influence_tier,
        max(value) filter (where kind = 'tier_min_followers') as min_followers,
        max(value) filter (where kind = 'tier_min_engagement') as min_engagement
    from targets
    where kind in ('tier_min_followers', 'tier_min_engagement')
    group by line_code, name

),

-- the highest tier whose follower OR engagement threshold the interaction reaches
tiered as (

    select
        interactions.interaction_key,
        coalesce(
            arg_max(tiers.influence_tier, coalesce(tiers.min_followers, 0))
            filter (where tiers.influence_tier is not null),
            'bajo'
        ) as influence_tier
    from interactions
    left join tiers
        on
            interactions.line_code = tiers.line_code
            and (
                interactions.author_followers >= tiers.min_followers
                or interactions.engagement >= tiers.min_engagement
            )
    group by interactions.interaction_key

),

response_spans as (

    select
        interaction_key as span_key,
        line_code,
        created_at_local as span_start,
        first_response_at_local as span_end
    from interactions
    where first_response_at_local is not null

),

response_time as (

    {{ business_seconds_by_key('response_spans', 'calendar') }}

),

final as (

    select
        interactions.interaction_key,
        interactions.platform,
        interactions.source_id,
        interactions.line_code,
        interactions.author_key,
        interactions.author_followers,
        interactions.engagement,
        tiered.influence_tier,
        interactions.created_at_local,
        cast(interactions.created_at_local as date) as created_date,
        {{ interval_start('interactions.created_at_local') }} as created_interval_start,
        interactions.first_response_at_local,
        interactions.first_response_at_local is not null as is_responded,
        epoch(interactions.first_response_at_local) - epoch(interactions.created_at_local)
            as first_response_seconds,
        response_time.business_seconds as first_response_business_seconds,
        tier_targets.value as first_response_target_minutes,
        coalesce(response_time.business_seconds <= tier_targets.value * 60, false)
            as is_responded_within_target,
        interactions.is_hidden,
        escalations.origin_social_id is not null as is_escalated
    from interactions
    inner join tiered on interactions.interaction_key = tiered.interaction_key
    left join response_time on interactions.interaction_key = response_time.span_key
    left join targets as tier_targets
        on
            interactions.line_code = tier_targets.line_code
            and tier_targets.kind = 'tier_first_response_minutes'
            and tiered.influence_tier = tier_targets.name
    left join escalations on interactions.interaction_key = escalations.origin_social_id

)

select * from final
