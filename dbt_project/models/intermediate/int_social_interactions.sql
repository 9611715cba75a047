{#- Inbound social interactions from both platforms in one shape: every tweet not written
    by a brand account (the stream is the brand's mentions search), every Facebook comment
    not written by the page; the brand's first reply to it is the first response.
    Engagement is the exposure the public gave the post: the platforms' reply and comment
    counts include the brand's own replies, which are taken out (those in the data; never
    below zero, for a count read before the brand replied), so answering a post never
    raises its influence tier. -#}
with

tweets as (

    select * from {{ ref('stg_twitter__tweets') }}

),

comments as (

    select * from {{ ref('stg_facebook__comments') }}

),

social_line as (

    select coalesce(
        (
            select min(line_code) from {{ ref('stg_contract__mappings') }}
            where kind in ('twitter_account', 'facebook_account')
        ),
        '{{ var("unmapped_line") }}'
    ) as line_code

),

tweet_replies as (

    select
        replied_to_tweet_id as tweet_id,
        min(created_at_local) as first_response_at_local,
        count(*) as brand_replies
    from tweets
    where is_brand and replied_to_tweet_id is not null
    group by replied_to_tweet_id

),

comment_replies as (

    select
        parent_id as comment_id,
        min(created_at_local) as first_response_at_local,
        count(*) as brand_replies
    from comments
    where is_brand and parent_id is not null
    group by parent_id

),

twitter as (

    select
        'twitter:' || tweets.tweet_id as interaction_key,
        'twitter' as platform,
        tweets.tweet_id as source_id,
        tweets.author_key,
        tweets.author_followers,
        tweets.like_count + tweets.retweet_count + tweets.quote_count
        + greatest(tweets.reply_count - coalesce(tweet_replies.brand_replies, 0), 0) as engagement,
        tweets.created_at_local,
        tweet_replies.first_response_at_local,
        false as is_hidden
    from tweets
    left join tweet_replies on tweets.tweet_id = tweet_replies.tweet_id
    where not tweets.is_brand

),

facebook as (

    select
        'facebook:' || comments.comment_id as interaction_key,
        'facebook' as platform,
        comments.comment_id as source_id,
        comments.author_key,
        0 as author_followers,  -- the Graph API does not give a commenter's followers
        comments.like_count
        + greatest(comments.comment_count - coalesce(comment_replies.brand_replies, 0), 0) as engagement,
        comments.created_at_local,
        comment_replies.first_response_at_local,
        comments.is_hidden
    from comments
    left join comment_replies on comments.comment_id = comment_replies.comment_id
    where not comments.is_brand

),

final as (

    select
        unioned.*,
        social_line.line_code
    from (
        select * from twitter
        union all
        select * from facebook
    ) as unioned
    cross join social_line

)

select * from final
