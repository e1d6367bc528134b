"""Open311 records: client API keys, per-category service settings and attributes, the requests
received (with the submitter's personal data kept out of every public field), and the status
updates received from clients."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A client application's key. Only a hash of the key is stored; the key itself is shown once,
    when it is issued. Cases the client reports are reported by its service account, and whatever
    else the client may do (status updates, personal data) follows the roles of that account."""

    name = models.CharField(_("client application"), max_length=100)
    prefix = models.CharField(_("key starts with"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    service_account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="open311_key",
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ServiceType(models.TextChoices):
    REALTIME = "realtime", _("Realtime: the case number is returned at once")
    BATCH = "batch", _("Batch: a token is returned, the case is made in the background")
    BLACKBOX = "blackbox", _("Blackbox: nothing is returned")


class ServiceProfile(models.Model):
    """How a category (a minor class) is offered as an Open311 service. Without a row: realtime."""

    category = models.OneToOneField(
        "cases.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="open311_profile",
        limit_choices_to={"parent__isnull": False},
    )
    type = models.CharField(
        _("type"), max_length=8, choices=ServiceType.choices, default=ServiceType.REALTIME
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    notice = models.CharField(
        _("service notice"),
        max_length=500,
        blank=True,
        help_text=_("What the reporter can expect; left blank, it is worded from the rules."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")

    def __str__(self) -> str:
        return f"{self.category} ({self.type})"


class Datatype(models.TextChoices):
    STRING = "string", _("String (one line)")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Text (several lines)")
    SINGLEVALUELIST = "singlevaluelist", _("One value from a list")
    MULTIVALUELIST = "multivaluelist", _("Several values from a list")


LIST_DATATYPES = frozenset({Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST})


class ServiceAttribute(models.Model):
    """One more question a service asks (GET services/<code> lists them; POST answers them as
    attribute[CODE])."""

    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="open311_attributes",
        limit_choices_to={"parent__isnull": False},
    )
    code = models.SlugField(_("code"), max_length=40)
    variable = models.BooleanField(
        _("asks for input"),
        default=True,
        help_text=_("Off: the attribute only shows information to the reporter."),
    )
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("datatype description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    description = models.CharField(_("question"), max_length=500)
    # For the list datatypes: [{"key": "car", "name": "小汽车"}, ...]
    values = models.JSONField(_("values"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Open311 service attribute")
        verbose_name_plural = _("Open311 service attributes")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.code}"

    def value_keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or [] if isinstance(v, dict)]


class Open311Request(models.Model):
    """A service request received through Open311: what the client sent beyond the case itself.

    The submitter's personal data (name, phone, email, device and account ids) is kept here only,
    never in the case's public fields; the back office shows it masked, and GET requests give it
    only to a client whose service account may see personal data in the case's place.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be made into a case")
        CREATED = "created", _("Case made")
        FAILED = "failed", _("Refused")

    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="requests"
    )
    token = models.CharField(_("token"), max_length=40, unique=True, null=True, blank=True)
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="open311_request",
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    error = models.CharField(_("why it was refused"), max_length=500, blank=True)
    # What the case is made from (batch services make it later): description, lat, lng, address.
    payload = models.JSONField(default=dict, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    address_id = models.CharField(_("address id"), max_length=40, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    # first_name, last_name, email, phone, device_id, account_id: personal data, see above.
    submitter = models.JSONField(_("submitter"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.case.number if self.case_id and self.case else f"#{self.pk}"


class ReceivedUpdate(models.Model):
    """A status update a client posted (servicerequestupdates), kept so that a retry with the same
    update_id takes effect once."""

    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="updates"
    )
    external_id = models.CharField(_("client's update id"), max_length=64)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    step = models.ForeignKey(
        "cases.CaseStep",
        verbose_name=_("timeline step"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status asked"), max_length=32)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 update received")
        verbose_name_plural = _("Open311 updates received")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "external_id"], name="open311_update_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.status}"
