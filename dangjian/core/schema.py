"""The API schema documents every status code an endpoint can answer (security review, finding 7): the error
responses are added here once for every operation, from what the operation is, instead of by hand on each view.

- 400: every write (POST, PUT, PATCH, DELETE: a service may refuse it, with the messages per field) and every
  operation with query parameters (filters, search, pagination);
- 401 and 403: every operation that needs a signed-in account (a role without the capability, or a forced password
  change, answers 403);
- 404: every operation on an object of the URL (outside the caller's scope as well as missing), every write (an
  object it refers to, a parent organization say, may be outside the scope) and every paginated list (a page
  number past the end);
- 429: views with a throttle (the token endpoint).
An operation that declares one of these codes itself (extend_schema) keeps its own description.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

WRITES = ("POST", "PUT", "PATCH", "DELETE")
VALIDATION_ERROR = {
    "type": "object",
    "description": "字段名 → 错误信息列表；与字段无关的错误在 non_field_errors 或 detail 中。",
    "additionalProperties": True,
}
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        responses = operation.setdefault("responses", {})
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if self.method in WRITES or has_query:
            responses.setdefault("400", _json(VALIDATION_ERROR, _("Invalid input: the messages per field.")))
        if self._needs_account():
            responses.setdefault("401", _json(DETAIL, _("Not signed in, or the token has expired.")))
            responses.setdefault("403", _json(DETAIL, _("Your role does not allow this action.")))
            if "{" in self.path or self.method in WRITES or self._get_pagination_parameters():
                responses.setdefault("404", _json(DETAIL, _("Not found, or outside your scope.")))
        if getattr(self.view, "throttle_classes", None):
            responses.setdefault("429", _json(DETAIL, _("Too many requests: please try again later.")))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _needs_account(self):
        from rest_framework.permissions import AllowAny

        return not all(issubclass(permission, AllowAny) for permission in self.view.permission_classes)
