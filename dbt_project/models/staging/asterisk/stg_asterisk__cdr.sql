{#- One row per distinct CDR record (the same record in a copied Master.csv counts once),
    local times, the outbound campaign's line (contract file). Numbers become keyed
    pseudonyms; caller-id names, channels and dial strings (which carry numbers) stay in raw.
    A withheld number (measurement.withheld_caller_ids: anonymous, empty, Restricted...)
    names nobody: no key.
    Incremental by the local day the record started (macros/rebuild_days.sql) with no reach:
    copies of a record share its start, so a day is rebuilt from that day's records alone. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='rebuild_days',
    rebuild_key='cast(start_local as date)',
    rebuild_sources=['asterisk_cdr'],
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_rebuild_days') }}
with

source as (

    select * from {{ source('raw', 'asterisk_cdr') }}
    where {{ in_rebuild_days('cast(' ~ to_local('start_utc') ~ ' as date)', range_column='start_utc', margin_days=1) }}

),

withheld as (

    select * from {{ ref('stg_contract__withheld_callers') }}

),

campaigns as (

    select
        value as campaign,
        line_code
    from {{ ref('stg_contract__mappings') }}
    where kind = 'campaign'

),

deduplicated as (

    select *
    from source
    qualify row_number() over (
        partition by uniqueid, start_utc, src, dst, disposition, billsec, coalesce(sequence, 0)
        order by file_path, line_no
    ) = 1

),

final as (

    select
        deduplicated.file_path || ':' || deduplicated.line_no as cdr_key,
        deduplicated.uniqueid,
        deduplicated.linkedid,
        deduplicated.accountcode,
        campaigns.line_code,
        case
            when lower(trim(deduplicated.src)) not in (select withheld.caller_id from withheld)
                then {{ pseudonymize('deduplicated.src') }}
        end as src_key,
        case
            when lower(trim(deduplicated.dst)) not in (select withheld.caller_id from withheld)
                then {{ pseudonymize('deduplicated.dst') }}
        end as dst_key,
        deduplicated.dcontext,
        deduplicated.lastapp,
        deduplicated.start_utc,
        {{ to_local('deduplicated.start_utc') }} as start_local,
        {{ to_local('deduplicated.answer_utc') }} as answer_local,
        {{ to_local('deduplicated.end_utc') }} as end_local,
        deduplicated.duration,
        deduplicated.billsec,
        deduplicated.disposition,
        campaigns.campaign is not null as is_outbound_campaign
    from deduplicated
    left join campaigns on deduplicated.accountcode = campaigns.campaign

)

select * from final
