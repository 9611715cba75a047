{#- Service-level denominator for the contract's variant (DESIGN.md §5); `c` is a relation
    alias with offered / answered / abandoned / short_abandoned counts. -#}
{% macro service_level_denominator(c, variant_column) -%}
    case {{ variant_column }}
        when 'offered' then {{ c }}.offered
        when 'answered' then {{ c }}.answered
        when 'answered_plus_abandoned' then {{ c }}.answered + {{ c }}.abandoned - {{ c }}.short_abandoned
        else {{ c }}.offered - {{ c }}.short_abandoned
    end
{%- endmacro %}
