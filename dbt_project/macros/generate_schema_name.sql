{#- Marts land in `main` so analysts query `fct_calls`, not `main_marts.fct_calls`;
    staging and intermediate keep their own schemas. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
