{#- One row per tweet (a tweet appears in many pages: the last page's copy wins), with the
    author's follower count from the page or any user lookup, and whether the author is one
    of the brand's own accounts (contract file). No text and no handle leave raw: the author
    is a keyed pseudonym. -#}
with

tweets as (

    select * from {{ source('raw', 'twitter_tweets') }}
    where tweet_id is not null and created_at_utc is not null

),

users as (

    select
        user_id,
        max(followers_count) as followers_count
    from {{ source('raw', 'twitter_users') }}
    group by user_id

),

brand_accounts as (

    select
        lower(value) as username,
        line_code
    from {{ ref('stg_contract__mappings') }}
    where kind = 'twitter_account'

),

deduplicated as (

    select *
    from tweets
    qualify row_number() over (
        partition by tweet_id order by file_path desc, line_no desc, item_no desc
    ) = 1

),

final as (

    select
        deduplicated.tweet_id,
        deduplicated.conversation_id,
        {{ pseudonymize('deduplicated.author_id') }} as author_key,
        brand_accounts.username is not null as is_brand,
        deduplicated.created_at_utc,
        {{ to_local('deduplicated.created_at_utc') }} as created_at_local,
        deduplicated.replied_to_tweet_id,
        coalesce(deduplicated.author_followers, users.followers_count, 0) as author_followers,
        coalesce(deduplicated.like_count, 0) as like_count,
        coalesce(deduplicated.retweet_count, 0) as retweet_count,
        coalesce(deduplicated.reply_count, 0) as reply_count,
        coalesce(deduplicated.quote_count, 0) as quote_count,
        length(deduplicated.text) as text_length
    from deduplicated
    left join users on deduplicated.author_id = users.user_id
    left join brand_accounts on lower(deduplicated.author_username) = brand_accounts.username

)

select * from final
