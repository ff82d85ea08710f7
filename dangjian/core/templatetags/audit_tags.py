from django import template

from dangjian.core.audit import action_label as _action_label

register = template.Library()


@register.filter
def action_label(code):
    """`{{ entry.action|action_label }}`: the registered label of an audit action code, else the code itself."""
    return _action_label(code)
