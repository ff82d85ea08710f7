# Placeholder views so URL names resolve while the people pages are being built; replaced by the real ones.
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


person_list = person_export = person_create = person_detail = person_update = person_transfer = _todo
person_reveal = person_org_picker = position_create = position_end = _todo
