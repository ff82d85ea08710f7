import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .permissions import AUDIT_VIEW
from .scoping import ScopedQuerySet


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntryQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    pass


class AuditEntry(models.Model):
    """One audited event. Append-only; `hash` chains each entry to its predecessor (core.audit)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")
        REFUSED = "refused", _("Refused")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_constraint=False,
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Chain version (core.audit): 1 = unkeyed SM3 (entries written before the chain was keyed), 2 = HMAC-SM3
    # under the audit key named by `key_id`, covering the fields below as well.
    version = models.PositiveSmallIntegerField(default=1)
    key_id = models.CharField(max_length=16, blank=True)
    # The organization the entry concerns (the object's, or the actor's for logins and actions without an
    # object): a plain id, since core knows no Org model; audit administrators read their subtree's entries.
    org_id = models.BigIntegerField(_("organization"), null=True, blank=True, db_index=True)
    # X-Request-ID as the client sent it (sanitised, at most 64 characters); `request_id` is the server's own.
    client_request_id = models.CharField(_("client request id"), max_length=64, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    # Audit administrators (accounts) read the entries of their subtree; see in_subtree.
    view_capability = AUDIT_VIEW

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")

    @classmethod
    def in_subtree(cls, org):
        """core.scoping: the entries about organizations inside `org`'s subtree, by the tree as it is now (an org
        moved later takes its entries with it). The installation's root sees every entry, with or without an
        organization (logins of unknown names, commands)."""
        if org.parent_id is None:
            return models.Q()
        return models.Q(org_id__in=type(org)._default_manager.filter(org.subtree_q()).values("pk"))


class AuditHead(models.Model):
    """The chain's newest (seq, hash): lets audit_verify notice entries cut off the end of the log.

    It also holds the chain's signed anchor (core.audit): where the log starts (`base_*`: the genesis, or the
    last entry moved to an archive by audit_archive) and the last unkeyed entry (`legacy_*`), signed together
    in `seal` with the audit key, so neither can be moved without the key."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    base_seq = models.PositiveBigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default="0" * 64)
    legacy_seq = models.PositiveBigIntegerField(default=0)
    legacy_hash = models.CharField(max_length=64, default="0" * 64)
    seal = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return f"head #{self.seq}"


class Summary(models.Model):
    """Monthly figures of the upper levels of the tree: `value` is the change of `metric` for `org_id` during
    `month`, so the figure at the end of month M is the sum of its rows up to M (history for free, and a write
    only ever adds to the current month's row). Kept up to date by the services in the same transaction as the
    write (see core.summary); `manage.py summary_rebuild` recomputes it from the facts."""

    org_id = models.BigIntegerField()
    metric = models.CharField(max_length=64)
    month = models.DateField()
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org_id", "metric", "month"], name="summary_unique")]

    def __str__(self):
        return f"{self.org_id} {self.metric} {self.month:%Y-%m}: {self.value:+d}"


class Attachment(models.Model):
    """An uploaded file belonging to any scoped record (a meeting's minutes, a visit's photos…).

    The owner is a generic reference, so core imports no domain app; who may see or change an attachment is
    decided by its owner's `visible_to` / `editable_by`. Written and served only through core.attachments: the
    file lives under settings.ATTACHMENTS_DIR by a random name, never under a public URL."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("owner type"), on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(_("owner id"))
    owner = GenericForeignKey("owner_type", "owner_id")
    purpose = models.CharField(_("purpose"), max_length=32)
    name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("content type"), max_length=100)
    kind = models.CharField(_("file type"), max_length=16)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id", "purpose"], name="attachment_owner")]

    def __str__(self):
        return self.name


class Job(models.Model):
    """A piece of long work (a large export…) run by a background task for one user, who follows its progress
    and downloads its file (core.jobs). Only the requester ever sees a job; its file expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.CASCADE,
                                  related_name="jobs")
    kind = models.CharField(_("kind"), max_length=200)  # the runner's dotted path (core.jobs)
    label = models.CharField(_("label"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    file_name = models.CharField(_("file"), max_length=100, blank=True)  # inside settings.JOBS_DIR
    download_name = models.CharField(_("download name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requester", "created_at"])]

    def __str__(self):
        return f"{self.label} ({self.get_status_display()})"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def expired(self):
        return self.expires_at <= timezone.now()
