from django import template

from dangjian.accounts import access, selectors

register = template.Library()


@register.filter
def uses_api(user):
    """`{% if user|uses_api %}`: whether the account menu offers the API documentation."""
    return access.uses_api(user)


@register.filter
def object_type_label(object_type):
    """`{{ entry.object_type|object_type_label }}`: the model's verbose name ("人员"), else the raw type."""
    return selectors.object_type_label(object_type)
