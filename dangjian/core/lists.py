"""List pages: pagination, ?sort= ordering and the sortable column headers, all kept in the query string."""

from django.core.paginator import Paginator

PAGE_SIZE = 20


def paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def sort_queryset(queryset, sort, sorts, default=()):
    """Order by `sorts[key]` for ?sort=key (?sort=-key reverses every field); an unknown key orders by
    `default`, or leaves the queryset as it is."""
    fields = sorts.get(sort.removeprefix("-"))
    if fields is None:
        return queryset.order_by(*default) if default else queryset
    if sort.startswith("-"):
        fields = [f"-{field}" for field in fields]
    return queryset.order_by(*fields)


def sort_headers(request, columns):
    """{key: {label, url, direction}} for the sortable columns [(key, label)] of a list, rendered with
    includes/sort_header.html: a click sorts by the column, a second click reverses it; the other query
    parameters are kept and the page starts again at 1."""
    current = request.GET.get("sort", "")
    headers = {}
    for key, label in columns:
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = f"-{key}" if current == key else key
        direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
        headers[key] = {"label": label, "url": "?" + params.urlencode(), "direction": direction}
    return headers
