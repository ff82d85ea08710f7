"""The domain exceptions every service raises; pages and API turn them into HTTP answers in one place each
(core.middleware.DomainExceptionMiddleware, core.drf.exception_handler), so a management command or a
background task can call any service and catch plain Python exceptions.

- NotInScope (an ObjectDoesNotExist): the object is outside the actor's scope, or does not exist — the two are
  never told apart. Pages and API answer 404.
- django.core.exceptions.PermissionDenied: inside scope, but the actor's role may not do it. 403.
- django.core.exceptions.ValidationError: the input breaks a rule; nothing was written. 400 (a form shows it).
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError

__all__ = ["NotInScope", "PermissionDenied", "ValidationError"]


class NotInScope(ObjectDoesNotExist):
    """Outside the actor's scope, or missing: the same answer for both (404)."""
