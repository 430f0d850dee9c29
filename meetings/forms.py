"""Forms of meetings: the meeting itself, its inline rows (formsets), directives, documents."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Person
from meetings.issuing import AUTHORITIES, head_title, split_capacity
from meetings.models import (
    REVIEW_KINDS,
    AttendeeRole,
    DocumentType,
    Meeting,
    MeetingKind,
    MeetingState,
    OfficialDocument,
)
from meetings.services import DOCUMENT_FIELDS, MeetingRows
from portal import access
from portal.forms import BoundedDatesMixin, SafeModelChoiceField, SafeModelMultipleChoiceField
from portal.widgets import DateInput, DateTimeInput, FastSelect, FastSelectMultiple, agency_autocomplete
from regulations.models import Regulation

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


STATE_AUTO = "auto"
STATE_CHOICES = [
    (STATE_AUTO, _("Tự động theo thời gian bắt đầu")),
    (MeetingState.PLANNED, _("Dự kiến")),
    (MeetingState.HELD, _("Đã tổ chức")),
]


class MeetingForm(BoundedDatesMixin, forms.ModelForm):
    # Only when recording a new meeting; afterwards the meeting page's state buttons change it.
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=STATE_CHOICES,
        initial=STATE_AUTO,
        required=False,
        help_text=_(
            "Tự động: đã qua thời gian bắt đầu thì ghi là đã tổ chức, nếu chưa thì là dự kiến. "
            "Một cuộc sơ kết, tổng kết đã tổ chức cập nhật ngày sơ kết gần nhất và hạn sơ kết tiếp theo "
            "của quy chế được sơ kết."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "host_agency",
            "co_hosts",
            "regulations",
            "agenda_note",
            "discussion",
            "conclusions",
        ]
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
        if self.instance.pk:
            del self.fields["state"]
        elif not self.is_bound and user.agency_id and "host_agency" not in self.initial:
            self.initial["host_agency"] = user.agency_id  # the host unit is usually the user's own
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%d/%m/%Y %H:%M", DATETIME_FORMAT]
        self.fields["host_agency"].queryset = access.writable_agencies(user, access.MEETING_ROLES).order_by("name")
        self.fields["host_agency"].widget = FastSelect(choices=self.fields["host_agency"].choices)
        self.fields["co_hosts"].widget = agency_autocomplete(multiple=True)
        self.fields["co_hosts"].widget.choices = self.fields["co_hosts"].choices
        self.fields["regulations"].widget = FastSelectMultiple(choices=self.fields["regulations"].choices)
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
        if data.get("kind") in (*REVIEW_KINDS, MeetingKind.SIGNING) and not data.get("regulations"):
            self.add_error("regulations", _("Sơ kết, tổng kết và lễ ký kết phải gắn với ít nhất một quy chế."))
        if data.get("kind") in REVIEW_KINDS:
            for regulation in data.get("regulations") or []:
                if regulation.amendment_of_id:
                    self.add_error(
                        "regulations",
                        MSG_REVIEW_OF_AMENDMENT.format(number=regulation.number, root=regulation.amendment_of.number),
                    )
        if "state" in self.fields and data.get("state") in ("", STATE_AUTO, None):
            data["state"] = MeetingState.HELD if starts and starts <= timezone.now() else MeetingState.PLANNED
        return data

    def meeting_fields(self) -> dict:
        """What ``services.save_meeting`` takes: the model fields, and the state of a new meeting."""
        names = [*self.Meta.fields, *(["state"] if "state" in self.fields else [])]
        return {name: self.cleaned_data[name] for name in names}


MSG_REVIEW_OF_AMENDMENT = (
    "{number} là văn bản sửa đổi, bổ sung của {root}: không có chu kỳ sơ kết riêng. Sơ kết, tổng kết thực hiện "
    "đối với văn bản được sửa đổi; hãy chọn {root}."
)
MSG_NO_PEOPLE = _(
    "Đơn vị chưa có cán bộ nào trong danh sách: nhập họ tên ở ô “Hoặc nhập họ tên”. Quản trị viên của Viện "
    "kiểm sát nhân dân tối cao bổ sung danh sách cán bộ, lãnh đạo của các đơn vị."
)


class AttendeeForm(forms.Form):
    person = SafeModelChoiceField(Person.objects.none(), label=_("Cán bộ (chọn)"), required=False, widget=FastSelect)
    full_name = forms.CharField(label=_("Hoặc nhập họ tên"), max_length=150, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=255, required=False)
    agency = SafeModelChoiceField(
        Agency.objects.none(), label=_("Cơ quan"), required=False, widget=agency_autocomplete()
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=AttendeeRole.choices, initial=AttendeeRole.ATTENDEE)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.filter(agency__in=access.agencies(user)).select_related("agency").order_by("full_name")
        )
        # Asked once per request (the rows share the user), not once per row.
        if not hasattr(user, "_has_people"):
            user._has_people = self.fields["person"].queryset.exists()
        if not user._has_people:
            self.fields["person"].help_text = MSG_NO_PEOPLE
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
    agency = SafeModelChoiceField(
        Agency.objects.none(), label=_("Cơ quan"), required=False, widget=agency_autocomplete()
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = access.agencies(user).order_by("name")


class DirectiveForm(BoundedDatesMixin, forms.Form):
    number = forms.IntegerField(label=_("Số thứ tự"), min_value=1, max_value=999)
    text = forms.CharField(label=_("Nội dung nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 2}))
    assigned_agency = SafeModelChoiceField(
        Agency.objects.none(), label=_("Đơn vị được giao"), required=False, widget=agency_autocomplete()
    )
    assignee_text = forms.CharField(label=_("hoặc ghi rõ đơn vị, người thực hiện"), max_length=255, required=False)
    deadline = forms.DateField(
        label=_("Thời hạn"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )

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
        kwargs = {
            "auto_id": self.auto_id,
            "prefix": self.add_prefix("__prefix__"),
            "empty_permitted": True,
            "use_required_attribute": False,
            "renderer": self.renderer,
        }
        if "user" in self.form.__init__.__code__.co_varnames:
            kwargs["user"] = self.user
        form = self.form(**kwargs)
        self.add_fields(form, None)
        return form

    def rows(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


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
        "attendees": [
            {
                "person": a.person_id,
                "full_name": a.full_name,
                "position": a.position,
                "agency": a.agency_id,
                "role": a.role,
            }
            for a in meeting.attendees.all()
        ],
        "agenda_items": [{"title": a.title, "presenter": a.presenter} for a in meeting.agenda_items.all()],
        "remote_sites": [{"name": s.name, "agency": s.agency_id} for s in meeting.remote_sites.all()],
        "directives": [
            {
                "number": d.number,
                "text": d.text,
                "assigned_agency": d.assigned_agency_id,
                "assignee_text": d.assignee_text,
                "deadline": d.deadline,
            }
            for d in meeting.directives.all()
        ],
    }


def build_formsets(user, data=None, meeting: Meeting | None = None) -> dict:
    initial = initial_rows(meeting)
    return {
        name: cls(data=data, initial=None if data is not None else initial[name], prefix=name, user=user)
        for name, (cls, _label) in FORMSETS.items()
    }


def rows_from(formsets: dict) -> MeetingRows:
    return MeetingRows(**{name: fs.rows() for name, fs in formsets.items()})


# What each field prints, per document type (labels and help under the field).
DOCUMENT_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "*": {
        "governing_name": (_("Tên cơ quan chủ quản (dòng trên cùng bên trái)"), _("Để trống nếu không có.")),
        "issuing_name": (_("Tên cơ quan ban hành (in đậm dưới cơ quan chủ quản)"), ""),
        "subject": (_("Trích yếu (in dưới tên loại văn bản)"), ""),
        "place_name": (_("Địa danh (in trước ngày tháng: “Hà Nội, ngày …”)"), ""),
        "issued_on": (_("Ngày ban hành (in “ngày … tháng … năm …”)"), ""),
        "signer_capacity": (_("Quyền hạn ký (dòng trên chức vụ, ví dụ “TL. VIỆN TRƯỞNG”)"), ""),
        "signer_title": (_("Chức vụ người ký (in đậm ở khối chữ ký)"), ""),
        "signer_name": (_("Họ tên người ký (in dưới chữ ký)"), _("Để trống thì in dòng trống để ghi tay.")),
        "recipients_report": (_("Nơi nhận để báo cáo"), _("Mỗi dòng một nơi nhận; in “- … (để báo cáo);”.")),
        "recipients_act": (_("Nơi nhận để thực hiện"), _("Mỗi dòng một nơi nhận; in “- … (để thực hiện);”.")),
        "recipients_other": (
            _("Nơi nhận khác"),
            _("Mỗi dòng một nơi nhận; in sau hai nhóm trên, không ghi “(để báo cáo)”, “(để thực hiện)”."),
        ),
        "recipients_filed": (
            _("Nơi lưu (in cuối “Nơi nhận” thành “- Lưu: …”)"),
            _("Chỉ ghi nơi lưu, ví dụ “VT, HS”; chữ “Lưu:” được in sẵn."),
        ),
    },
    DocumentType.NOTICE: {
        "opening": (_("Đoạn mở đầu (hội nghị nào, ngày nào, ai chủ trì; in đầu tiên)"), ""),
        "body": (
            _("Nội dung kết luận (in sau đoạn mở đầu, trước các nhiệm vụ được giao)"),
            _(
                "Mỗi dòng là một đoạn. Các nhiệm vụ, đơn vị được giao và thời hạn lấy từ thông tin cuộc họp; "
                "cuối văn bản tự in “./.”."
            ),
        ),
    },
    DocumentType.MINUTES: {
        "body": (
            _("Nội dung ghi thêm (in ở mục II. NỘI DUNG, trước chương trình và thảo luận)"),
            _("Mỗi dòng là một đoạn."),
        ),
        "signer_title": (_("Chức danh người ký bên phải (ví dụ CHỦ TRÌ)"), ""),
        "cosigner_title": (_("Chức danh người ký bên trái (ví dụ THƯ KÝ)"), ""),
        "cosigner_name": (_("Họ tên người ký bên trái (in dưới chữ ký)"), _("Để trống thì in dòng trống để ghi tay.")),
    },
    DocumentType.CORRECTION: {
        "subject": (_("Trích yếu (in dưới số: “V/v đính chính …”)"), ""),
        "body": (
            _("Nội dung đính chính (nêu văn bản được đính chính, chỗ sai và nội dung đúng)"),
            _("Mỗi dòng là một đoạn; cuối văn bản tự in “./.”."),
        ),
    },
}
HIDDEN_FIELDS = {
    DocumentType.MINUTES: {"opening", "signer_authority", "signer_for"},
    DocumentType.NOTICE: {"cosigner_title", "cosigner_name", "signer_capacity"},
    DocumentType.CORRECTION: {"opening", "cosigner_title", "cosigner_name", "signer_capacity"},
}
SIGNING_FIELD_ORDER = ("signer_authority", "signer_for", "signer_title", "signer_name")


class DocumentForm(BoundedDatesMixin, forms.ModelForm):
    class Meta:
        model = OfficialDocument
        fields = list(DOCUMENT_FIELDS)
        widgets = {
            "issued_on": DateInput(),
            "subject": forms.Textarea(attrs={"rows": 2}),
            "opening": forms.Textarea(attrs={"rows": 4}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "recipients_report": forms.Textarea(attrs={"rows": 3}),
            "recipients_act": forms.Textarea(attrs={"rows": 4}),
            "recipients_other": forms.Textarea(attrs={"rows": 3}),
        }

    # Notices, letters and replacements: the signer's authority (Decree 30, Article 13) and the head's
    # title it is written before, composed into ``signer_capacity`` ("TL. VIỆN TRƯỞNG").
    signer_authority = forms.ChoiceField(
        label=_("Thẩm quyền ký"),
        choices=AUTHORITIES,
        required=False,
        help_text=_("Người đứng đầu ký thì không ghi; cấp phó ký thay: KT.; thừa lệnh: TL.; thừa ủy quyền: TUQ."),
    )
    signer_for = forms.CharField(
        label=_("Ký thay, thừa lệnh ai (chức vụ người đứng đầu hoặc tên tập thể)"),
        max_length=90,
        required=False,
        help_text=_("In sau thẩm quyền ký, ví dụ “TL. VIỆN TRƯỞNG”, “TM. BAN CÁN SỰ ĐẢNG”."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        doc_type = self.instance.doc_type
        authority, head = split_capacity(self.instance.signer_capacity)
        self.fields["signer_authority"].initial = authority
        self.fields["signer_for"].initial = head or head_title(self.instance.issuing_agency)
        for name in HIDDEN_FIELDS.get(doc_type, ()):
            self.fields.pop(name, None)
        if "signer_authority" in self.fields:
            rest = [name for name in self.fields if name not in SIGNING_FIELD_ORDER]
            at = rest.index("signer_name") if "signer_name" in rest else len(rest)
            order = rest[:at] + list(SIGNING_FIELD_ORDER) + rest[at:]
            self.order_fields([name for name in order if name in self.fields])
        for name, (label, help_text) in {**DOCUMENT_LABELS["*"], **DOCUMENT_LABELS.get(doc_type, {})}.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = help_text
        self.fields["issued_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self):
        cleaned = super().clean()
        if "signer_authority" in self.fields:
            authority = cleaned.get("signer_authority") or ""
            head = " ".join((cleaned.get("signer_for") or "").split()).upper()
            if authority and not head:
                self.add_error(
                    "signer_for",
                    _(
                        "Chọn thẩm quyền %(a)s thì phải ghi chức vụ người đứng đầu hoặc tên tập thể, "
                        "ví dụ “VIỆN TRƯỞNG”."
                    )
                    % {"a": authority},
                )
            cleaned["signer_capacity"] = f"{authority} {head}" if authority else ""
        return cleaned

    def clean_issued_on(self):
        """A person dates a document on the day it is signed: not before its meeting, not in a
        closed year's register (meetings.issuing says why)."""
        from meetings.issuing import check_issue_date

        day = self.cleaned_data["issued_on"]
        if day is not None and self.instance.meeting_id:
            previous, self.instance.issued_on = self.instance.issued_on, day
            try:
                check_issue_date(self.instance)
            finally:
                self.instance.issued_on = previous
        return day


class DirectiveDoneForm(BoundedDatesMixin, forms.Form):
    completion_note = forms.CharField(
        label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
