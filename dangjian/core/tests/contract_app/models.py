from django.db import models

from dangjian.core.scoping import ScopedManager
from dangjian.orgs.models import OrgFact, Person

from .capabilities import SAMPLE_EDIT, SAMPLE_VIEW


class Sample(OrgFact):
    """A dated record of a member's, counted up the tree (like a visit or an attendance)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=50)
    done_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()

    objects = ScopedManager()
    view_capability = SAMPLE_VIEW
    edit_capability = SAMPLE_EDIT
    owner_field = "person"  # a member sees their own samples (core.permissions.SELF_SERVICE)
    owner_actions = ("view",)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title
