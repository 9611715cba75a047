{#- One row per Facebook comment; the brand's own comments are those written by the page
    that owns the post (the post id is `<page id>_<post id>`). Author as a keyed pseudonym;
    no message text or name leaves raw. -#}
with

comments as (

    select * from {{ source('raw', 'facebook_comments') }}
    where comment_id is not null and created_at_utc is not null

),

deduplicated as (

    select *
    from comments
    qualify row_number() over (partition by comment_id order by file_path desc, record_no desc) = 1

),

final as (

    select
        comment_id,
        post_id,
        parent_id,
        split_part(post_id, '_', 1) as page_id,
        {{ pseudonymize('from_id') }} as author_key,
        coalesce(from_id = split_part(post_id, '_', 1), false) as is_brand,
        created_at_utc,
        {{ to_local('created_at_utc') }} as created_at_local,
        coalesce(like_count, 0) as like_count,
        coalesce(comment_count, 0) as comment_count,
        coalesce(is_hidden, false) as is_hidden,
        length(message) as text_length
    from deduplicated

)

select * from final
