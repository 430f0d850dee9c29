"""The create/edit form of a regulation: the main form plus inline rows (parties, articles, originals,
relations). Every rule lives in ``regulations.services``; the forms put its messages next to the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agencies.models import Agency
from agencies.selectors import display_with_carrier, picker_agencies
from portal import access
from portal.forms import BoundedDatesMixin, SafeModelChoiceField, SafeModelMultipleChoiceField
from portal.widgets import DateInput, agency_autocomplete
from regulations import selectors, services
from regulations.models import (
    ARTICLES_COUNT,
    CHAPTERS_COUNT,
    REVIEW_INTERVAL_MONTHS,
    Field,
    OriginalKind,
    PartyRole,
    Regulation,
    RelationKind,
)
from regulations.uploads import check_original

MSG_CHOOSE_FILES_AGAIN = _(
    "Trình duyệt không giữ lại được tệp đã chọn khi trang báo lỗi. Vui lòng chọn lại tệp trước khi lưu."
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AgencyChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return display_with_carrier(obj, short=False)


def bounded_integer(
    label: StrOrPromise, bounds: tuple[int, int], unit: StrOrPromise, required: bool = False, **kwargs: Any
) -> forms.IntegerField:
    """An integer field whose out-of-range values (0, 32768, ...) get a Vietnamese error, never a DB error."""
    low, high = bounds
    message = _("%(label)s phải từ %(low)d đến %(high)d%(unit)s.") % {
        "label": label,
        "low": low,
        "high": high,
        "unit": f" {unit}" if unit else "",
    }
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        **kwargs,
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": _("Vui lòng nhập một số nguyên."),
            "required": _("Vui lòng nhập %(label)s.") % {"label": label.lower()},
        },
    )


class RegulationForm(BoundedDatesMixin, forms.ModelForm):
    fields = SafeModelMultipleChoiceField(
        label=_("Lĩnh vực"),
        queryset=Field.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    chapters_count = bounded_integer(_("Số chương"), CHAPTERS_COUNT, _("chương"))
    articles_count = bounded_integer(_("Số điều"), ARTICLES_COUNT, _("điều"))
    review_interval_months = bounded_integer(
        _("Chu kỳ sơ kết (tháng)"), REVIEW_INTERVAL_MONTHS, _("tháng"), required=True, initial=12
    )

    class Meta:
        model = Regulation
        fields = [
            "number",
            "title",
            "type",
            "fields",
            "signed_on",
            "in_force_from",
            "expires_on",
            "chapters_count",
            "articles_count",
            "review_interval_months",
            "final_review_on",
            "summary",
            "notes",
        ]
        widgets = {
            "signed_on": DateInput(),
            "in_force_from": DateInput(),
            "expires_on": DateInput(),
            "final_review_on": DateInput(),
            "title": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "number": {"required": _("Vui lòng nhập số, ký hiệu.")},
            "title": {"required": _("Vui lòng nhập trích yếu.")},
            "signed_on": {"required": _("Vui lòng nhập ngày ký."), "invalid": _("Ngày không hợp lệ.")},
            "in_force_from": {"required": _("Vui lòng nhập ngày có hiệu lực."), "invalid": _("Ngày không hợp lệ.")},
        }

    def clean(self):
        data = super().clean()
        for name, message in services.date_errors(
            data.get("signed_on"), data.get("in_force_from"), data.get("expires_on")
        ).items():
            self.add_error(name, message)
        return data

    def _post_clean(self):
        # The model's own unique/check validation needs the host from the parties rows; the
        # editor runs those rules through the service instead.
        pass


class PartyForm(forms.Form):
    agency = AgencyChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.none(),
        widget=agency_autocomplete(partner_dated_by="signed_on"),
        error_messages={"required": _("Vui lòng chọn cơ quan.")},
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=PartyRole.choices, initial=PartyRole.PARTY)
    signatory_name = forms.CharField(label=_("Người ký"), max_length=150, required=False)
    signatory_title = forms.CharField(label=_("Chức vụ người ký"), max_length=255, required=False)
    signing_capacity = forms.CharField(
        label=_("Thẩm quyền ký"), max_length=100, required=False, help_text=_("Ví dụ: TM. Ban cán sự đảng")
    )


class RowsFormSet(forms.BaseFormSet):
    def rows(self) -> list[forms.Form]:
        return [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not (self.can_delete and self._should_delete_form(f))
        ]


class BasePartyFormSet(RowsFormSet):
    def __init__(self, *args, user: User, instance: Regulation | None = None, **kwargs):
        self.user, self.instance = user, instance
        super().__init__(*args, **kwargs)
        for form in [*self.forms, self.empty_form]:
            form.fields["agency"].queryset = self.choices()

    def choices(self):
        """The user's scope and the partners the 2025 map gives their unit (the host chosen is checked
        by ``services.partner_errors``), and the parties already on the record being edited."""
        choices = picker_agencies(self.user)
        if self.instance is not None and self.instance.pk:
            choices = choices | Agency.objects.filter(regulation_parties__regulation=self.instance)
        return choices.distinct().select_related("current_carrier").order_by("name")

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["agency"].queryset = self.choices()
        return form

    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        seen: set[int] = set()
        hosts = []
        for form in rows:
            agency = form.cleaned_data["agency"]
            if agency.pk in seen:
                form.add_error("agency", services.MSG_DUPLICATE_AGENCY)
            seen.add(agency.pk)
            if form.cleaned_data["role"] == PartyRole.HOST:
                hosts.append(form)
        writable = access.writable_agencies(self.user)
        if len(hosts) == 1 and not writable.filter(pk=hosts[0].cleaned_data["agency"].pk).exists():
            hosts[0].add_error("agency", services.MSG_HOST_NOT_WRITABLE)
        problems = []
        if len(rows) < 2:
            problems.append(services.MSG_TOO_FEW_PARTIES)
        if len(hosts) != 1:
            problems.append(services.MSG_HOST_COUNT)
        if problems:
            raise ValidationError(problems)


class ArticleForm(forms.Form):
    number = bounded_integer(_("Điều số"), ARTICLES_COUNT, "", required=True)
    chapter = bounded_integer(_("Chương"), CHAPTERS_COUNT, "")
    heading = forms.CharField(label=_("Tên điều"), max_length=500, required=False)
    text = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BaseArticleFormSet(RowsFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.rows():
            number = form.cleaned_data["number"]
            if number in seen:
                form.add_error("number", _("Điều số này đã có ở dòng khác."))
            seen.add(number)


class OriginalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tệp"), choices=OriginalKind.choices, initial=OriginalKind.SIGNED_SCAN)
    file = forms.FileField(
        label=_("Tệp"),
        required=False,
        help_text=_("Bản ký: PDF, JPEG, PNG. Bản văn bản: DOCX, ODT."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.odt"}),
    )

    def has_changed(self) -> bool:
        return bool(self.files.get(self.add_prefix("file")))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            try:
                check_original(data.get("kind", ""), upload)
            except ValidationError as exc:
                self.add_error("file", exc)
        return data


class RelationForm(BoundedDatesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Văn bản này"), choices=RelationKind.choices, initial=RelationKind.SUPERSEDES)
    target = SafeModelChoiceField(
        label=_("Văn bản bị tác động"),
        queryset=Regulation.objects.none(),
        error_messages={"required": _("Vui lòng chọn văn bản.")},
    )
    effective_on = forms.DateField(
        label=_("Từ ngày"),
        widget=DateInput(),
        required=False,
        help_text=_("Để trống: từ ngày văn bản này có hiệu lực."),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )


class BaseRelationFormSet(RowsFormSet):
    def __init__(self, *args, user: User, instance: Regulation | None, **kwargs):
        self.user, self.instance = user, instance
        super().__init__(*args, **kwargs)
        choices = selectors.relation_choices(user, instance.pk if instance else None)
        for form in self.forms:
            form.fields["target"].queryset = choices

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["target"].queryset = selectors.relation_choices(
            self.user, self.instance.pk if self.instance else None
        )
        return form

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        source_pk = self.instance.pk if self.instance else None
        for form in self.rows():
            target, kind = form.cleaned_data["target"], form.cleaned_data["kind"]
            if (target.pk, kind) in seen:
                form.add_error("target", services.MSG_DUPLICATE_RELATION)
            seen.add((target.pk, kind))
            if message := services.relation_error(source_pk, target, kind):
                form.add_error("target", message)


PartyFormSet = formset_factory(PartyForm, formset=BasePartyFormSet, extra=2, can_delete=True)
ArticleFormSet = formset_factory(ArticleForm, formset=BaseArticleFormSet, extra=2, can_delete=True)
OriginalFormSet = formset_factory(OriginalForm, formset=RowsFormSet, extra=2)
RelationFormSet = formset_factory(RelationForm, formset=BaseRelationFormSet, extra=1, can_delete=True)


class RegulationEditor:
    """The main form and its inline rows, validated together and handed to the service."""

    def __init__(
        self,
        user: User,
        instance: Regulation | None = None,
        data=None,
        files=None,
        relation_initial: list[dict] | None = None,
        amends: Regulation | None = None,
    ):
        self.user, self.instance, self.amends = user, instance, amends
        bound = data is not None
        self.form = RegulationForm(data, instance=instance, initial=self._amendment_initial() if amends else None)
        if amends is not None:
            # An amending document is part of the regulation it amends: no review cycle of its own.
            for name in ("review_interval_months", "final_review_on"):
                del self.form.fields[name]
        if instance is not None:
            parties_initial = [
                {
                    "agency": p.agency,
                    "role": p.role,
                    "signatory_name": p.signatory_name,
                    "signatory_title": p.signatory_title,
                    "signing_capacity": p.signing_capacity,
                }
                for p in instance.parties.select_related("agency")
            ]
            articles_initial = [
                {"number": a.number, "chapter": a.chapter, "heading": a.heading, "text": a.text}
                for a in instance.articles.all()
            ]
            relations_initial = [
                {"kind": r.kind, "target": r.target, "effective_on": r.effective_on}
                for r in instance.outgoing_relations.all()
            ]
        else:
            own = (
                user.agency
                if user.agency_id and access.writable_agencies(user).filter(pk=user.agency_id).exists()
                else None
            )
            parties_initial = [{"agency": own, "role": PartyRole.HOST}]
            articles_initial = []
            relations_initial = relation_initial or []
            if amends is not None:
                parties_initial = self._amendment_parties(amends, own)
                relations_initial = [{"kind": RelationKind.AMENDS, "target": amends}]
        self.parties = PartyFormSet(
            data, prefix="parties", initial=None if bound else parties_initial, user=user, instance=instance
        )
        self.articles = ArticleFormSet(data, prefix="articles", initial=None if bound else articles_initial)
        self.originals = OriginalFormSet(data, files, prefix="originals")
        self.relations = RelationFormSet(
            data, prefix="relations", initial=None if bound else relations_initial, user=user, instance=instance
        )
        self.files_lost = bound and bool(files)

    def _amendment_initial(self) -> dict:
        assert self.amends is not None
        return {
            "type": self.amends.type,
            "title": _("Sửa đổi, bổ sung %(title)s") % {"title": self.amends.title[:480]},
            "fields": list(self.amends.fields.values_list("pk", flat=True)),
        }

    def _amendment_parties(self, amends: Regulation, own: Agency | None) -> list[dict]:
        """The amended regulation's parties, each as it stands today: a dissolved one by the unit that
        carries its work; the host by the user's own unit if they cannot write for the old host."""
        writable = set(access.writable_agencies(self.user).values_list("pk", flat=True))
        rows: list[dict] = []
        for party in amends.parties.select_related("agency__current_carrier").order_by("role", "order", "id"):
            agency = party.agency
            if not agency.is_active and agency.current_carrier_id:
                agency = agency.current_carrier
            if party.role == PartyRole.HOST and agency.pk not in writable and own is not None:
                agency = own
            if any(row["agency"].pk == agency.pk for row in rows):
                continue
            same = agency.pk == party.agency_id
            rows.append(
                {
                    "agency": agency,
                    "role": party.role,
                    "signatory_name": party.signatory_name if same else "",
                    "signatory_title": party.signatory_title if same else "",
                    "signing_capacity": party.signing_capacity if same else "",
                }
            )
        return rows

    @property
    def formsets(self):
        return [self.parties, self.articles, self.originals, self.relations]

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in self.formsets:
            valid = formset.is_valid() and valid
        if valid:
            rows = self.parties.rows()
            signed_on = self.form.cleaned_data.get("signed_on")
            for index, message in services.partner_errors([f.cleaned_data for f in rows], signed_on, self.instance):
                rows[index].add_error("agency", message)
                valid = False
        if valid:
            host = services.host_of([f.cleaned_data for f in self.parties.rows()])
            if host and services.number_taken(
                host, self.form.cleaned_data["number"], self.instance.pk if self.instance else None
            ):
                self.form.add_error("number", services.MSG_NUMBER_TAKEN)
                valid = False
        return valid

    SECTION_LABELS = {
        "parties": _("Các bên ký kết"),
        "articles": _("Các điều"),
        "originals": _("Tệp văn bản gốc"),
        "relations": _("Văn bản này sửa đổi, thay thế hoặc bãi bỏ"),
    }

    def sections_with_errors(self) -> list[dict]:
        """Sections of rows holding an error, for the banner: a long form's error may be far below."""
        found = []
        for formset in self.formsets:
            if not formset.is_bound:
                continue
            rows = [n for n, form in enumerate(formset.forms, start=1) if form.errors]
            if rows or formset.non_form_errors():
                found.append(
                    {"anchor": f"{formset.prefix}-set", "label": self.SECTION_LABELS[formset.prefix], "rows": rows}
                )
        return found

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors) or any(any(fs.errors) or fs.non_form_errors() for fs in self.formsets)

    def service_args(self) -> dict:
        data = dict(self.form.cleaned_data)
        relations = [self._dated(f.cleaned_data, data) for f in self.relations.rows()]
        if self.amends is not None:
            data.pop("review_interval_months", None)  # the model's default; an amendment has no cycle
            if not any(r["target"].pk == self.amends.pk and r["kind"] == RelationKind.AMENDS for r in relations):
                relations.append(self._dated({"kind": RelationKind.AMENDS, "target": self.amends}, data))
        return {
            "data": data,
            "parties": [f.cleaned_data for f in self.parties.rows()],
            "articles": [f.cleaned_data for f in self.articles.rows()],
            "files": [
                (f.cleaned_data["kind"], f.cleaned_data["file"])
                for f in self.originals.rows()
                if f.cleaned_data.get("file")
            ],
            "relations": relations,
        }

    @staticmethod
    def _dated(relation: dict, data: dict) -> dict:
        """A relation without its own date takes effect when this document does (in force, else signed)."""
        if relation.get("effective_on") is None:
            relation = {**relation, "effective_on": data.get("in_force_from") or data.get("signed_on")}
        return relation

    def add_service_errors(self, exc: ValidationError) -> None:
        targets = {"parties": self.parties, "relations": self.relations, "originals": self.originals}
        for name, messages in exc.message_dict.items():
            if name in targets:
                targets[name]._non_form_errors = self.parties.error_class(
                    list(targets[name].non_form_errors()) + messages,  # type: ignore[arg-type]
                    renderer=targets[name].renderer,
                )
            elif name in self.form.fields:
                for message in messages:
                    self.form.add_error(name, message)
            else:
                for message in messages:
                    self.form.add_error(None, message)
