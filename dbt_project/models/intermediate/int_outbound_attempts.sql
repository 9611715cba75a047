{#- Outbound attempts: CDR records of the contract's campaigns, in fct_calls' shape. A
    contact is an answered attempt with talk (billsec) > 0. -#}
with

cdr as (

    select * from {{ ref('stg_asterisk__cdr') }}
    where is_outbound_campaign

),

final as (

    select
        'out:' || coalesce(uniqueid, cdr_key) || ':' || cdr_key as call_key,
        uniqueid as callid,
        'outbound' as direction,
        line_code,
        accountcode as queue_name,
        dst_key as caller_key,
        start_utc as entered_at_utc,
        start_local as entered_at_local,
        answer_local as answered_at_local,
        end_local as ended_at_local,
        case disposition
            when 'ANSWERED' then 'answered'
            when 'NO ANSWER' then 'no_answer'
            when 'BUSY' then 'busy'
            when 'FAILED' then 'failed'
            when 'CONGESTION' then 'congestion'
            when 'CANCEL' then 'cancelled'
            else 'unknown'
        end as outcome,
        disposition as end_event,
        -- ring time: from dialling to the customer picking up
        case when answer_local is not null then epoch(answer_local) - epoch(start_local) end as wait_seconds,
        case when disposition = 'ANSWERED' then billsec end::double as talk_seconds,
        disposition = 'ANSWERED' and billsec > 0 as is_contact
    from cdr

)

select * from final
