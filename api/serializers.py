"""Read-only representations. Field names are English and stable; labels (the schema's titles)
are Vietnamese, from the models' verbose names or given here.

The declared fields are the contract (the OpenAPI schema is drawn from them). A row, though, is
built by ``row()`` directly: DRF's generic path (a field object, an attribute walk and a signature
inspection per value, a new serializer per nested object) cost a list of 50 regulations about three
times the HTML page. ``tests/api/test_serializers.py`` checks that ``row()`` gives exactly what the
generic path gives."""

from __future__ import annotations

import datetime
import functools
from typing import Any, cast

from django.db.models import Field as DjangoField
from django.db.models import Model
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, AgencySuccession
from meetings.models import Directive, Meeting
from regulations import rules
from regulations.models import Field, Regulation, RegulationParty, RegulationRelation

_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


@functools.cache
def _labels(model: type[Model], name: str, language: str | None) -> dict[str, str]:
    field = cast(DjangoField, model._meta.get_field(name))
    return {str(value): str(label) for value, label in field.flatchoices}


def label(obj: Model, name: str) -> str:
    """``obj.get_<name>_display()`` from a table built once per language: Django's rebuilds its dict,
    hashing every lazily translated label, on each call."""
    value = getattr(obj, name)
    return _labels(type(obj), name, get_language()).get(str(value), value)


def prefetched(obj: Model, relation: str) -> list:
    """The related rows ``api.selectors`` prefetched into ``api_<relation>``; elsewhere, the relation."""
    rows = getattr(obj, f"api_{relation}", None)
    return rows if rows is not None else list(getattr(obj, relation).all())


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else _DATE.to_representation(value)


def _datetime(value: datetime.datetime | None) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


class RowSerializer(serializers.ModelSerializer):
    """``to_representation`` is ``row()``; DRF's own output stays reachable for the tests."""

    def row(self, obj: Any) -> dict:
        raise NotImplementedError

    def to_representation(self, instance: Any) -> dict:
        return self.row(instance)

    def generic_representation(self, instance: Any) -> dict:
        return super().to_representation(instance)


def agency_brief(agency: Agency) -> dict:
    return {"id": agency.pk, "code": agency.code, "name": agency.name, "short_name": agency.short_name}


def brief(agency: Agency | None) -> dict | None:
    return None if agency is None else agency_brief(agency)


class AgencyBriefSerializer(RowSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name"]

    def row(self, obj: Agency) -> dict:
        return agency_brief(obj)


def succession(obj: AgencySuccession) -> dict:
    return {
        "predecessor": brief(obj.predecessor),
        "successor": brief(obj.successor),
        "kind": obj.kind,
        "kind_label": label(obj, "kind"),
        "effective_on": _date(obj.effective_on),
    }


class SuccessionSerializer(RowSerializer):
    predecessor = AgencyBriefSerializer(read_only=True, label="Cơ quan trước")
    successor = AgencyBriefSerializer(read_only=True, label="Cơ quan kế thừa")
    kind_label = serializers.CharField(source="get_kind_display", label="Hình thức (chữ)")

    class Meta:
        model = AgencySuccession
        fields = ["predecessor", "successor", "kind", "kind_label", "effective_on"]

    def row(self, obj: AgencySuccession) -> dict:
        return succession(obj)


class AgencySerializer(RowSerializer):
    kind_label = serializers.CharField(source="get_kind_display", label="Loại cơ quan (chữ)")
    level_label = serializers.CharField(source="get_level_display", label="Cấp (chữ)")
    locality = serializers.CharField(source="locality.name", label="Địa bàn")
    parent = AgencyBriefSerializer(read_only=True, allow_null=True, label="Cơ quan cấp trên")
    current_carrier = AgencyBriefSerializer(
        read_only=True, allow_null=True, label="Đơn vị đang kế thừa công việc (nếu đã giải thể)"
    )
    is_active = serializers.BooleanField(label="Đang hoạt động")
    successors = SuccessionSerializer(source="successions", many=True, read_only=True, label="Kế thừa bởi")
    predecessors = SuccessionSerializer(source="predecessions", many=True, read_only=True, label="Kế thừa từ")

    class Meta:
        model = Agency
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "level",
            "level_label",
            "locality",
            "parent",
            "active_from",
            "active_to",
            "is_active",
            "current_carrier",
            "successors",
            "predecessors",
        ]

    def row(self, obj: Agency) -> dict:
        return {
            "id": obj.pk,
            "code": obj.code,
            "name": obj.name,
            "short_name": obj.short_name,
            "kind": obj.kind,
            "kind_label": label(obj, "kind"),
            "level": obj.level,
            "level_label": label(obj, "level"),
            "locality": obj.locality.name,
            "parent": brief(obj.parent),
            "active_from": _date(obj.active_from),
            "active_to": _date(obj.active_to),
            "is_active": obj.is_active,
            "current_carrier": brief(obj.current_carrier),
            "successors": [succession(s) for s in prefetched(obj, "successions")],
            "predecessors": [succession(s) for s in prefetched(obj, "predecessions")],
        }


def field_row(obj: Field) -> dict:
    return {"id": obj.pk, "code": obj.code, "name": obj.name}


class FieldSerializer(RowSerializer):
    class Meta:
        model = Field
        fields = ["id", "code", "name"]

    def row(self, obj: Field) -> dict:
        return field_row(obj)


def party(obj: RegulationParty) -> dict:
    return {
        "agency": brief(obj.agency),
        "role": obj.role,
        "role_label": label(obj, "role"),
        "signatory_name": obj.signatory_name,
        "signatory_title": obj.signatory_title,
        "signing_capacity": obj.signing_capacity,
    }


class PartySerializer(RowSerializer):
    agency = AgencyBriefSerializer(read_only=True, label="Cơ quan")
    role_label = serializers.CharField(source="get_role_display", label="Vai trò (chữ)")

    class Meta:
        model = RegulationParty
        fields = ["agency", "role", "role_label", "signatory_name", "signatory_title", "signing_capacity"]

    def row(self, obj: RegulationParty) -> dict:
        return party(obj)


def relation(obj: RegulationRelation) -> dict:
    return {
        "kind": obj.kind,
        "kind_label": label(obj, "kind"),
        "source_id": obj.source_id,
        "source_number": obj.source.number,
        "target_id": obj.target_id,
        "target_number": obj.target.number,
        "effective_on": _date(obj.effective_on),
    }


class RelationSerializer(RowSerializer):
    kind_label = serializers.CharField(source="get_kind_display", label="Hình thức (chữ)")
    source_id = serializers.IntegerField(label="Mã văn bản mới")
    source_number = serializers.CharField(source="source.number", label="Số, ký hiệu văn bản mới")
    target_id = serializers.IntegerField(label="Mã văn bản bị tác động")
    target_number = serializers.CharField(source="target.number", label="Số, ký hiệu văn bản bị tác động")

    class Meta:
        model = RegulationRelation
        fields = ["kind", "kind_label", "source_id", "source_number", "target_id", "target_number", "effective_on"]

    def row(self, obj: RegulationRelation) -> dict:
        return relation(obj)


class RegulationSerializer(RowSerializer):
    type_label = serializers.CharField(source="get_type_display", label="Loại văn bản (chữ)")
    status = serializers.SerializerMethodField(label="Trạng thái hiệu lực")
    status_label = serializers.SerializerMethodField(label="Trạng thái hiệu lực (chữ)")
    review_state = serializers.SerializerMethodField(label="Tình trạng sơ kết")
    review_state_label = serializers.SerializerMethodField(label="Tình trạng sơ kết (chữ)")
    host_agency = AgencyBriefSerializer(read_only=True, label="Cơ quan chủ trì")
    current_carrier = serializers.SerializerMethodField(label="Đơn vị đang kế thừa công việc của cơ quan chủ trì")
    parties = PartySerializer(many=True, read_only=True, label="Các bên ký kết")
    fields = FieldSerializer(many=True, read_only=True, label="Lĩnh vực")  # type: ignore[assignment]  # the API field "fields"
    relations = serializers.SerializerMethodField(label="Quan hệ với văn bản khác")
    amendment_of: serializers.PrimaryKeyRelatedField[Regulation] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, label="Sửa đổi, bổ sung cho văn bản"
    )

    class Meta:
        model = Regulation
        fields = [
            "id",
            "number",
            "title",
            "type",
            "type_label",
            "status",
            "status_label",
            "review_state",
            "review_state_label",
            "host_agency",
            "current_carrier",
            "parties",
            "fields",
            "signed_on",
            "in_force_from",
            "expires_on",
            "review_interval_months",
            "last_review_on",
            "next_review_due",
            "amendment_of",
            "relations",
            "chapters_count",
            "articles_count",
            "summary",
        ]

    def _today(self) -> datetime.date:
        return self.context["today"]

    def row(self, obj: Regulation) -> dict:
        today = self._today()
        status = rules.status_on(obj, today)
        review = rules.review_state_on(obj, today)
        return {
            "id": obj.pk,
            "number": obj.number,
            "title": obj.title,
            "type": obj.type,
            "type_label": label(obj, "type"),
            "status": str(status.value),
            "status_label": str(status.label),
            "review_state": str(review.value),
            "review_state_label": str(review.label),
            "host_agency": brief(obj.host_agency),
            "current_carrier": self.get_current_carrier(obj),
            "parties": [party(p) for p in prefetched(obj, "parties")],
            "fields": [field_row(f) for f in prefetched(obj, "fields")],
            "signed_on": _date(obj.signed_on),
            "in_force_from": _date(obj.in_force_from),
            "expires_on": _date(obj.expires_on),
            "review_interval_months": obj.review_interval_months,
            "last_review_on": _date(obj.last_review_on),
            "next_review_due": _date(obj.next_review_due),
            "amendment_of": obj.amendment_of_id,
            "relations": self.get_relations(obj),
            "chapters_count": obj.chapters_count,
            "articles_count": obj.articles_count,
            "summary": obj.summary,
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, obj: Regulation) -> str:
        return str(rules.status_on(obj, self._today()).value)

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, obj: Regulation) -> str:
        return str(rules.status_on(obj, self._today()).label)

    @extend_schema_field(OpenApiTypes.STR)
    def get_review_state(self, obj: Regulation) -> str:
        return str(rules.review_state_on(obj, self._today()).value)

    @extend_schema_field(OpenApiTypes.STR)
    def get_review_state_label(self, obj: Regulation) -> str:
        return str(rules.review_state_on(obj, self._today()).label)

    @extend_schema_field(AgencyBriefSerializer(allow_null=True))
    def get_current_carrier(self, obj: Regulation) -> dict | None:
        host = obj.host_agency
        return brief(host.current_carrier if host.current_carrier_id else (host if host.is_active else None))

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, obj: Regulation) -> list[dict]:
        rows = prefetched(obj, "outgoing_relations") + prefetched(obj, "incoming_relations")
        return [relation(r) for r in sorted(rows, key=lambda r: (r.effective_on, r.pk))]


class MeetingSerializer(RowSerializer):
    kind_label = serializers.CharField(source="get_kind_display", label="Loại (chữ)")
    state_label = serializers.CharField(source="get_state_display", label="Trạng thái (chữ)")
    host_agency = AgencyBriefSerializer(read_only=True, label="Cơ quan chủ trì")
    co_hosts = AgencyBriefSerializer(many=True, read_only=True, label="Cơ quan đồng chủ trì")
    regulations = serializers.SerializerMethodField(label="Quy chế liên quan")
    locality = serializers.CharField(source="locality.name", label="Địa bàn")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "state",
            "state_label",
            "host_agency",
            "co_hosts",
            "locality",
            "regulations",
            "conclusions",
        ]

    def row(self, obj: Meeting) -> dict:
        return {
            "id": obj.pk,
            "kind": obj.kind,
            "kind_label": label(obj, "kind"),
            "title": obj.title,
            "starts_at": _datetime(obj.starts_at),
            "ends_at": _datetime(obj.ends_at),
            "place": obj.place,
            "state": obj.state,
            "state_label": label(obj, "state"),
            "host_agency": brief(obj.host_agency),
            "co_hosts": [brief(a) for a in prefetched(obj, "co_hosts")],
            "locality": obj.locality.name,
            "regulations": self.get_regulations(obj),
            "conclusions": obj.conclusions,
        }

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_regulations(self, obj: Meeting) -> list[dict]:
        return [{"id": r.pk, "number": r.number} for r in prefetched(obj, "regulations")]


class DirectiveSerializer(RowSerializer):
    state_label = serializers.CharField(source="get_state_display", label="Trạng thái (chữ)")
    is_overdue = serializers.SerializerMethodField(label="Quá hạn")
    meeting = serializers.SerializerMethodField(label="Cuộc họp giao nhiệm vụ")
    assigned_agency = AgencyBriefSerializer(read_only=True, allow_null=True, label="Đơn vị được giao")

    class Meta:
        model = Directive
        fields = [
            "id",
            "meeting",
            "number",
            "text",
            "assigned_agency",
            "assignee_text",
            "deadline",
            "state",
            "state_label",
            "is_overdue",
            "completed_on",
            "completion_note",
        ]

    def row(self, obj: Directive) -> dict:
        return {
            "id": obj.pk,
            "meeting": self.get_meeting(obj),
            "number": obj.number,
            "text": obj.text,
            "assigned_agency": brief(obj.assigned_agency),
            "assignee_text": obj.assignee_text,
            "deadline": _date(obj.deadline),
            "state": obj.state,
            "state_label": label(obj, "state"),
            "is_overdue": self.get_is_overdue(obj),
            "completed_on": _date(obj.completed_on),
            "completion_note": obj.completion_note,
        }

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_overdue(self, obj: Directive) -> bool:
        return obj.is_overdue(self.context["today"])

    @extend_schema_field(serializers.DictField())
    def get_meeting(self, obj: Directive) -> dict:
        return {"id": obj.meeting_id, "title": obj.meeting.title}


class FiguresSerializer(serializers.Serializer):
    interim = serializers.IntegerField(label="Sơ kết đã tổ chức")
    final = serializers.IntegerField(label="Tổng kết đã tổ chức")
    reviews = serializers.IntegerField(label="Sơ kết, tổng kết")
    interagency = serializers.IntegerField(label="Họp liên ngành")
    signing = serializers.IntegerField(label="Lễ ký kết")
    in_force = serializers.IntegerField(label="Quy chế đang có hiệu lực")
    amended = serializers.IntegerField(label="Đã sửa đổi, bổ sung (còn hiệu lực)")
    live = serializers.IntegerField(label="Quy chế còn hiệu lực")
    due_soon = serializers.IntegerField(label="Sắp đến hạn sơ kết")
    overdue = serializers.IntegerField(label="Quá hạn sơ kết")
    directives_open = serializers.IntegerField(label="Nhiệm vụ chưa hoàn thành (trong hạn và quá hạn)")
    directives_in_time = serializers.IntegerField(label="Nhiệm vụ đang thực hiện (trong hạn)")
    directives_done = serializers.IntegerField(label="Nhiệm vụ đã hoàn thành")
    directives_overdue = serializers.IntegerField(label="Nhiệm vụ quá hạn")


class BreakdownRowSerializer(serializers.Serializer):
    label = serializers.CharField(label="Đơn vị, địa bàn")  # type: ignore[assignment]  # the API field "label"
    locality_id = serializers.IntegerField(label="Mã địa bàn")
    agency_id = serializers.IntegerField(allow_null=True, label="Mã viện kiểm sát của địa bàn")
    figures = FiguresSerializer(label="Số liệu")


class PeriodSerializer(serializers.Serializer):
    kind = serializers.CharField(label="Loại kỳ (year, quarter, custom)")
    start = serializers.DateField(label="Từ ngày")
    end = serializers.DateField(label="Đến ngày")
    label = serializers.CharField(label="Kỳ báo cáo")  # type: ignore[assignment]  # the API field "label"


class DashboardSerializer(serializers.Serializer):
    agency = AgencyBriefSerializer(label="Đơn vị")
    period = PeriodSerializer(label="Kỳ báo cáo")
    today = serializers.DateField(label="Ngày tính số liệu")
    totals = FiguresSerializer(label="Tổng số liệu (đơn vị và cấp dưới)")
    rows = BreakdownRowSerializer(many=True, label="Theo đơn vị cấp dưới")


class DateText(serializers.CharField):
    """Taken as typed: the dashboard's own parser reads dd/mm/yyyy and says in Vietnamese what is wrong
    (DRF's checks would answer in English)."""

    def run_validators(self, value: str) -> None:
        return None


def _number_errors(message: str) -> dict[str, Any]:
    return dict.fromkeys(("invalid", "min_value", "max_value", "max_string_length"), message)


class DashboardQuerySerializer(serializers.Serializer):
    """The dashboard's query parameters, checked whether or not the chosen period reads them; the
    messages are the dashboard page's."""

    agency = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages=_number_errors("Mã đơn vị không hợp lệ."),
        label="Mã đơn vị (mặc định: đơn vị của tài khoản)",
    )
    period = serializers.ChoiceField(
        choices=[("year", "Năm"), ("quarter", "Quý"), ("custom", "Khoảng ngày")],
        required=False,
        error_messages={"invalid_choice": "Kỳ báo cáo không hợp lệ."},
        label="Loại kỳ: năm (mặc định), quý hoặc khoảng ngày",
    )
    year = serializers.IntegerField(
        required=False,
        min_value=1990,
        max_value=2100,
        error_messages=_number_errors("Năm không hợp lệ."),
        label="Năm (mặc định: năm nay)",
    )
    quarter = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=4,
        error_messages=_number_errors("Quý phải từ 1 đến 4."),
        label="Quý (1-4), khi period=quarter",
    )
    date_from = DateText(required=False, label="Từ ngày (dd/mm/yyyy), bắt buộc khi period=custom")
    date_to = DateText(required=False, label="Đến ngày (dd/mm/yyyy), bắt buộc khi period=custom")
