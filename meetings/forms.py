"""Forms of meetings: the meeting itself, its inline rows (formsets), directives, documents."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Person
from meetings.models import AttendeeRole, Meeting, OfficialDocument
from meetings.services import DOCUMENT_FIELDS, MeetingRows
from portal import access
from portal.forms import BoundedDatesMixin, SafeModelChoiceField, SafeModelMultipleChoiceField
from portal.widgets import FastSelect, FastSelectMultiple
from regulations.models import Regulation

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(BoundedDatesMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "title", "starts_at", "ends_at", "place", "host_agency", "co_hosts", "regulations",
                  "agenda_note", "discussion", "conclusions"]
        field_classes = {
            "host_agency": SafeModelChoiceField,
            "co_hosts": SafeModelMultipleChoiceField,
            "regulations": SafeModelMultipleChoiceField,
        }
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "agenda_note": forms.Textarea(attrs={"rows": 2}),
            "discussion": forms.Textarea(attrs={"rows": 5}),
            "conclusions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%d/%m/%Y %H:%M"]
        self.fields["host_agency"].queryset = access.writable_agencies(user, access.MEETING_ROLES).order_by("name")
        self.fields["host_agency"].widget = FastSelect(choices=self.fields["host_agency"].choices)
        for name in ("co_hosts", "regulations"):
            self.fields[name].widget = FastSelectMultiple(choices=self.fields[name].choices)
        self.fields["co_hosts"].queryset = access.agencies(user).order_by("name")
        self.fields["co_hosts"].required = False
        self.fields["regulations"].queryset = access.restrict(user, Regulation.objects.all()).order_by("number")
        self.fields["regulations"].required = False
        self.fields["regulations"].help_text = _(
            "Sơ kết, tổng kết: chọn quy chế được sơ kết. Lễ ký kết: quy chế được ký."
        )

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("Thời gian kết thúc phải sau thời gian bắt đầu."))
        if data.get("kind") in ("interim_review", "final_review", "signing") and not data.get("regulations"):
            self.add_error("regulations", _("Sơ kết, tổng kết và lễ ký kết phải gắn với ít nhất một quy chế."))
        return data


class AttendeeForm(forms.Form):
    person = SafeModelChoiceField(Person.objects.none(), label=_("Cán bộ (chọn)"), required=False, widget=FastSelect)
    full_name = forms.CharField(label=_("hoặc nhập họ tên"), max_length=150, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=255, required=False)
    agency = SafeModelChoiceField(Agency.objects.none(), label=_("Cơ quan"), required=False, widget=FastSelect)
    role = forms.ChoiceField(label=_("Vai trò"), choices=AttendeeRole.choices, initial=AttendeeRole.ATTENDEE)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            agency__in=access.agencies(user)).select_related("agency").order_by("full_name")
        self.fields["agency"].queryset = access.agencies(user).order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        if self.has_changed() and not (data.get("person") or data.get("full_name") or data.get("agency")):
            raise forms.ValidationError(_("Chọn cán bộ, nhập họ tên hoặc chọn cơ quan tham dự."))
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Nội dung"), max_length=500)
    presenter = forms.CharField(label=_("Người trình bày"), max_length=255, required=False)


class RemoteSiteForm(forms.Form):
    name = forms.CharField(label=_("Điểm cầu"), max_length=255)
    agency = SafeModelChoiceField(Agency.objects.none(), label=_("Cơ quan"), required=False, widget=FastSelect)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = access.agencies(user).order_by("name")


class DirectiveForm(BoundedDatesMixin, forms.Form):
    number = forms.IntegerField(label=_("Số thứ tự"), min_value=1, max_value=999)
    text = forms.CharField(label=_("Nội dung nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 2}))
    assigned_agency = SafeModelChoiceField(Agency.objects.none(), label=_("Đơn vị được giao"), required=False,
                                           widget=FastSelect)
    assignee_text = forms.CharField(label=_("hoặc ghi rõ đơn vị, người thực hiện"), max_length=255, required=False)
    deadline = forms.DateField(label=_("Thời hạn"), required=False, widget=DateInput(),
                               input_formats=["%Y-%m-%d", "%d/%m/%Y"])

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_agency"].queryset = access.agencies(user).order_by("name")


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if "user" in self.form.__init__.__code__.co_varnames:
            kwargs["user"] = self.user
        return kwargs

    @property
    def empty_form(self):
        kwargs = {"auto_id": self.auto_id, "prefix": self.add_prefix("__prefix__"), "empty_permitted": True,
                  "use_required_attribute": False, "renderer": self.renderer}
        if "user" in self.form.__init__.__code__.co_varnames:
            kwargs["user"] = self.user
        form = self.form(**kwargs)
        self.add_fields(form, None)
        return form

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms
                if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")]


class DirectiveFormSet(BaseRowFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        numbers = [row["number"] for row in self.rows()]
        if len(numbers) != len(set(numbers)):
            raise forms.ValidationError(_("Số thứ tự của các nhiệm vụ không được trùng nhau."))


def _factory(form, formset=BaseRowFormSet):
    return forms.formset_factory(form, formset=formset, extra=1, can_delete=True, max_num=200, validate_max=True)


AttendeeFormSet = _factory(AttendeeForm)
AgendaFormSet = _factory(AgendaItemForm)
RemoteSiteFormSet = _factory(RemoteSiteForm)
DirectivesFormSet = _factory(DirectiveForm, DirectiveFormSet)

FORMSETS = {
    "attendees": (AttendeeFormSet, _("Thành phần tham dự")),
    "agenda_items": (AgendaFormSet, _("Chương trình")),
    "remote_sites": (RemoteSiteFormSet, _("Điểm cầu trực tuyến")),
    "directives": (DirectivesFormSet, _("Nhiệm vụ được giao")),
}


def initial_rows(meeting: Meeting | None) -> dict[str, list[dict]]:
    if meeting is None:
        return {name: [] for name in FORMSETS}
    return {
        "attendees": [{"person": a.person_id, "full_name": a.full_name, "position": a.position,
                       "agency": a.agency_id, "role": a.role} for a in meeting.attendees.all()],
        "agenda_items": [{"title": a.title, "presenter": a.presenter} for a in meeting.agenda_items.all()],
        "remote_sites": [{"name": s.name, "agency": s.agency_id} for s in meeting.remote_sites.all()],
        "directives": [{"number": d.number, "text": d.text, "assigned_agency": d.assigned_agency_id,
                        "assignee_text": d.assignee_text, "deadline": d.deadline} for d in meeting.directives.all()],
    }


def build_formsets(user, data=None, meeting: Meeting | None = None) -> dict:
    initial = initial_rows(meeting)
    return {
        name: cls(data=data, initial=None if data is not None else initial[name], prefix=name, user=user)
        for name, (cls, _label) in FORMSETS.items()
    }


def rows_from(formsets: dict) -> MeetingRows:
    return MeetingRows(**{name: fs.rows() for name, fs in formsets.items()})


class DocumentForm(BoundedDatesMixin, forms.ModelForm):
    class Meta:
        model = OfficialDocument
        fields = list(DOCUMENT_FIELDS)
        widgets = {
            "issued_on": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "recipients_report": forms.Textarea(attrs={"rows": 3}),
            "recipients_act": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]


class DirectiveDoneForm(BoundedDatesMixin, forms.Form):
    completion_note = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 2}),
                                      max_length=2000)
