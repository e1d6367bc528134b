"""Forms of the case pages: they parse what a person typed; the actions decide whether it stands.

The forms check only the shape of the input (numbers are numbers, a choice is one of the list).
Every rule of the workflow (who, when, photo types and sizes, positions inside the area) lives in
`cases.actions`, whose messages the views attach to these forms.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gongzhi.orgs.models import Organisation, OrgKind
from gongzhi.places.models import Grid

from .models import Case, Category, Errand, Rating, Source, Tier
from .workflow import TIER_RANK

# ---------------------------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------------------------


class MultiplePhotoInput(forms.FileInput):
    """`<input type=file multiple>`; the page renders its own pickers (take / choose)."""

    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of uploaded files, unchecked here: `photos.clean_photo` inside the action checks
    each one's type and size and the count, with messages that name the photo."""

    widget = MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        items = data if isinstance(data, list | tuple) else [data]
        files = [f for f in items if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class StyledForm(forms.Form):
    """Bootstrap classes on the widgets, so that templates render fields one way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Through self.fields, not the bound fields: those are cached with the labels of now.
        for formfield in self.fields.values():
            widget = formfield.widget
            if widget.is_hidden:
                continue
            if isinstance(
                widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def textarea(rows: int = 2, placeholder: Any = "") -> forms.Textarea:
    attrs: dict[str, Any] = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


def category_choices() -> list[tuple[str, Any]]:
    """Minor classes in use, grouped under their major class (events first, then components)."""
    minors = (
        Category.objects.filter(parent__isnull=False, is_active=True)
        .select_related("parent")
        .order_by("kind", "code")
    )
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    labels: dict[tuple[str, str], str] = {}
    for c in minors:
        assert c.parent is not None
        key = (c.kind, c.parent.code)
        labels[key] = f"{c.get_kind_display()} · {c.parent.name}"
        groups.setdefault(key, []).append((str(c.pk), c.name))
    return [("", _("— choose —")), *[(labels[k], groups[k]) for k in sorted(groups)]]


def category_hints() -> list[dict[str, Any]]:
    """What the page's script needs to suggest a category from the words typed."""
    return [
        {"id": c.pk, "name": c.name, "keywords": [w for w in c.keywords.split() if w]}
        for c in Category.objects.filter(parent__isnull=False, is_active=True).order_by(
            "kind", "code"
        )
    ]


def suggest_category(text: str) -> Category | None:
    """The category whose keywords (and name) the words match best; the page does the same as
    one types, this is for pages sent without JavaScript."""
    text = (text or "").strip()
    if not text:
        return None
    best, best_score = None, 0
    for c in Category.objects.filter(parent__isnull=False, is_active=True).order_by("kind", "code"):
        words = {c.name, *c.keywords.split()}
        score = sum(len(w) for w in words if w and w in text)
        if score > best_score:
            best, best_score = c, score
    return best


def departments_for(case: Case) -> QuerySet[Organisation]:
    """The departments that serve the case's district (and the city's units placed in it)."""
    district = case.grid_code[:6]
    return Organisation.objects.filter(
        Q(scope_code__startswith=district) | Q(scope_code__in=[district[:2], district[:4]]),
        kind=OrgKind.DEPARTMENT,
        is_active=True,
    ).order_by("name")


# ---------------------------------------------------------------------------------------------
# 随手拍: the report form
# ---------------------------------------------------------------------------------------------


class ReportForm(StyledForm):
    """A snapshot, a patrol report or a phone-in. The source is decided by the page, not here."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    category = forms.ChoiceField(label=_("Category"), required=False)
    description = forms.CharField(
        label=_("What is wrong?"),
        required=False,
        max_length=4000,
        widget=textarea(3, _("e.g. The manhole cover by building 3 is missing")),
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("optional, e.g. east gate of the estate")}),
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lng = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Report anonymously (staff will not see your name or phone)"), required=False
    )
    photos = PhotosField()

    def __init__(self, *args: Any, hotline: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", category_choices())
        self.suggested: Category | None = None
        if hotline:
            self.fields["description"].label = _("What the caller said")
            self.fields["description"].widget.attrs["placeholder"] = _(
                "The caller's words, as close as you can"
            )
            del self.fields["is_anonymous"]
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        if not value:
            return None
        return Category.objects.filter(pk=value, parent__isnull=False, is_active=True).first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") is None and "category" not in self.errors:
            self.suggested = suggest_category(data.get("description", ""))
            if self.suggested is not None:
                self.add_error(
                    "category",
                    _("Choose a category. From your words we suggest: %(name)s.")
                    % {"name": self.suggested.name},
                )
            else:
                self.add_error("category", _("Choose a category from the list."))
        if (data.get("lat") is None or data.get("lng") is None) and not (
            self.errors.get("lat") or self.errors.get("lng")
        ):
            self.add_error(
                "lat",
                _(
                    "Set the position: let the phone locate you, tap the map, or type the "
                    "coordinates."
                ),
            )
        return data


# ---------------------------------------------------------------------------------------------
# The workbench's filters
# ---------------------------------------------------------------------------------------------

TABS = ("inbox", "done", "overdue")
LIGHTS = (("green", _("On time")), ("yellow", _("Nearly due")), ("red", _("Overdue")))
GRID_CHOICES_LIMIT = 300


class WorkbenchFilterForm(StyledForm):
    tab = forms.ChoiceField(choices=[(t, t) for t in TABS], required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    grid = forms.CharField(label=_("Grid"), required=False, max_length=20)
    light = forms.ChoiceField(
        label=_("Light"), required=False, choices=[("", _("Any light")), *LIGHTS]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any source")), *Source.choices]
    )

    def __init__(self, *args: Any, grids: QuerySet[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = category_choices()
        choices[0] = ("", _("Any category"))
        set_choices(self, "category", choices)
        few = list(grids.order_by("code").values_list("code", "name")[: GRID_CHOICES_LIMIT + 1])
        if len(few) <= GRID_CHOICES_LIMIT:
            # Few enough grids for a list; otherwise the field stays a code (prefix) to type.
            self.fields["grid"] = forms.ChoiceField(
                label=_("Grid"),
                required=False,
                choices=[("", _("Any grid")), *few],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        else:
            self.fields["grid"].widget.attrs["placeholder"] = _("grid code or its beginning")

    def value(self, name: str) -> str:
        """The cleaned value of a filter, "" when absent or not one of the choices."""
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")


# ---------------------------------------------------------------------------------------------
# The actions on a case page. Each form carries the case's version as the person saw it.
# ---------------------------------------------------------------------------------------------


class CaseActionForm(StyledForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.slug()}_%s")
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["seen_version"].initial = case.version

    @classmethod
    def slug(cls) -> str:
        return cls.__name__.removesuffix("Form").lower()


class NoteForm(CaseActionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=textarea(2))


class AcceptForm(CaseActionForm):
    pass


class ReasonForm(CaseActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=textarea(2))


class DispatchForm(CaseActionForm):
    tier = forms.ChoiceField(label=_("Send to the tier"))
    department = forms.ModelChoiceField(
        label=_("Handling department"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— none: the tier's own staff —"),
    )
    note = forms.CharField(
        label=_("Instructions"), required=False, max_length=4000, widget=textarea(2)
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        lowest = TIER_RANK[Tier(case.rule.lowest_tier)]
        set_choices(
            self,
            "tier",
            [(value, label) for value, label in Tier.choices if TIER_RANK[Tier(value)] >= lowest],
        )
        self.fields["tier"].initial = Tier.STREET if lowest <= TIER_RANK[Tier.STREET] else None
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = departments_for(case)
        department.initial = case.rule.department_id
        department.help_text = _("A department takes the case at the street-or-department tier.")


class RespondForm(CaseActionForm):
    note = forms.CharField(label=_("What was done"), max_length=4000, widget=textarea(3))
    photos = PhotosField(label=_("Photos of the result"))


class ExtensionRequestForm(CaseActionForm):
    days = forms.IntegerField(label=_("More working days"), min_value=1, max_value=10, initial=3)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=textarea(2))


class ExtensionDecisionForm(CaseActionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=textarea(2))


class VerifyForm(CaseActionForm):
    outcome = forms.ChoiceField(
        label=_("On-site check"),
        choices=[("pass", _("Passed: it is fixed")), ("fail", _("Failed: send back for rework"))],
        widget=forms.RadioSelect,
        initial="pass",
    )
    note = forms.CharField(
        label=_("Note (say what is still wrong if it failed)"),
        required=False,
        max_length=4000,
        widget=textarea(2),
    )
    photos = PhotosField(label=_("Photos from the site"))


class CloseForm(CaseActionForm):
    public_answer = forms.CharField(
        label=_("Public answer (shown to the reporter and on the echo wall)"),
        required=False,
        max_length=4000,
        widget=textarea(2),
    )
    note = forms.CharField(
        label=_("Internal note"), required=False, max_length=4000, widget=textarea(1)
    )


class RateForm(CaseActionForm):
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=textarea(2)
    )


class FollowUpForm(CaseActionForm):
    note = forms.CharField(
        label=_("What the resident said on the call-back"), max_length=4000, widget=textarea(2)
    )


class SuperviseForm(CaseActionForm):
    note = forms.CharField(label=_("Instruction"), max_length=4000, widget=textarea(2))
    remind = forms.BooleanField(label=_("Remind (催办) rather than supervise"), required=False)


class SummonForm(CaseActionForm):
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments to summon"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    hours = forms.IntegerField(
        label=_("Check in within (hours)"), min_value=1, max_value=72, initial=24
    )
    note = forms.CharField(label=_("What is asked"), required=False, widget=textarea(2))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = self.fields["departments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = departments_for(case)


class DutyForm(CaseActionForm):
    duty = forms.IntegerField(widget=forms.HiddenInput)
    report = forms.CharField(
        label=_("What your department did (leave empty to check in only)"),
        required=False,
        max_length=4000,
        widget=textarea(2),
    )


class MergeForm(CaseActionForm):
    other = forms.CharField(widget=forms.HiddenInput, max_length=20)  # the other case's number


# ---------------------------------------------------------------------------------------------
# 预约代办
# ---------------------------------------------------------------------------------------------


class ErrandRequestForm(StyledForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    what = forms.CharField(
        label=_("What should be done for you?"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. apply for an elderly care card")}),
    )
    details = forms.CharField(
        label=_("Details"), required=False, max_length=4000, widget=textarea(2)
    )
    wanted_on = forms.DateField(
        label=_("Wanted by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            self.initial["idempotency_key"] = new_idempotency_key()


class ErrandForm(StyledForm):
    def __init__(self, *args: Any, errand: Errand, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}_{errand.pk}_%s")
        super().__init__(*args, **kwargs)
        self.errand = errand


class TakeErrandForm(ErrandForm):
    working_days = forms.IntegerField(
        label=_("Working days to do it"), min_value=1, max_value=20, initial=3
    )


class CompleteErrandForm(ErrandForm):
    result = forms.CharField(label=_("Result"), max_length=4000, widget=textarea(2))


class CancelErrandForm(ErrandForm):
    pass
