from django import template
from django_filters.constants import EMPTY_VALUES

register = template.Library()


@register.inclusion_tag("includes/filter_bar.html", takes_context=True)
def filter_bar(context, form, main, reset_url, keep="", form_id="", label=""):
    """The filter bar of every list page: the fields named in `main` (the search and one or two key drop-downs)
    in a row with 筛选 and 清除筛选, every other field of `form` under 更多筛选, which opens by itself when one
    of them is in use. `keep` names query parameters carried along as hidden inputs (the sort, a chosen
    organization); a form field named there is not shown.

    {% filter_bar filter_form main="q level is_active" reset_url=list_url keep="parent sort" form_id="org-filter" %}
    """
    main_names, keep_names = main.split(), keep.split()
    more = [form[name] for name in form.fields if name not in main_names and name not in keep_names]
    request = context.get("request")
    query = request.GET if request is not None else {}
    return {
        "main": [form[name] for name in main_names if name in form.fields],
        "more": more,
        "more_active": sum(1 for field in more if field.value() not in EMPTY_VALUES),
        "hidden": [(name, query.get(name)) for name in keep_names if query.get(name)],
        # A kept parameter that the form refused (an id out of range in the URL) has no field to show it under.
        "hidden_errors": [f"{form[name].label}: {error}" for name in keep_names if name in form.fields
                          for error in form[name].errors],
        "reset_url": reset_url,
        "form_id": form_id,
        "label": label,
    }
