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


@register.inclusion_tag("accounts/_second_factor_notice.html", takes_context=True)
def second_factor_notice(context):
    """On the home page: where the second factor is offered rather than required (the demo), invite the accounts
    whose role would require it to enrol."""
    from dangjian.accounts import otp

    user = context.get("user")
    return {"show": user is not None and otp.offered(user)}
