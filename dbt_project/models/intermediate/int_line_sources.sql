{#- The landing sources each line's contract terms are measured from: a day without data
    (or with rejected lines) in one of them makes the line's month not certifiable. -#}
with

lines as (

    select * from {{ ref('stg_contract__lines') }}

),

queues as (

    select * from {{ ref('stg_contract__queues') }}

),

mappings as (

    select * from {{ ref('stg_contract__mappings') }}

),

needed as (

    select distinct
        line_code,
        'asterisk_queue_log' as source
    from queues

    union

    select distinct
        line_code,
        case kind
            when 'campaign' then 'asterisk_cdr'
            when 'crm_queue' then 'crm_cases'
            when 'otrs_queue' then 'otrs_tickets'
            when 'twitter_account' then 'twitter_v2'
            when 'facebook_account' then 'facebook_graph'
        end as source
    from mappings

),

final as (

    select
        needed.line_code || '|' || needed.source as line_source_key,
        needed.line_code,
        needed.source
    from needed
    inner join lines on needed.line_code = lines.line_code
    where needed.source is not null

)

select * from final
