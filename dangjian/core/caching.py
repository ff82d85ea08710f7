"""`Cache-Control: no-store` on every response that carries personal data (security review, finding 13), decided
in this one place: person pages (the people list, a record, its pickers, positions and transfers), the person
API, and every file download (exports, export jobs' results, attachments, letters: anything with a
Content-Disposition). Browsers and proxies then keep no copy on disk, and the back button after a sign-out shows
nothing. Other pages keep the default headers."""

import re

from django.utils.cache import add_never_cache_headers

# Namespaced view names (request.resolver_match.view_name) of the pages and API routes that show people.
PERSONAL_VIEWS = re.compile(
    r"^orgs:(person_|position_|transfer_|org_directory)"  # /people/… pages
    r"|^(person|position|transfer)-"  # /api/v1/people/, positions/, transfers/ (router basenames)
    r"|^outreach:(visit_|beneficiary_|case_)|^(visit|beneficiary|help-case)-"  # 三进三帮: beneficiaries' data
    r"|export$"  # every list's export (a redirect to a job page included)
)


def is_personal(request, response):
    if response.has_header("Content-Disposition"):
        return True
    match = getattr(request, "resolver_match", None)
    return bool(match and PERSONAL_VIEWS.search(match.view_name or ""))


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and is_personal(request, response):
            add_never_cache_headers(response)
        return response
