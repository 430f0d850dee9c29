"""Read-only representations. Field names are English and stable; labels (the schema's titles)
are Vietnamese, from the models' verbose names or given here."""

from __future__ import annotations

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, AgencySuccession
from meetings.models import Directive, Meeting
from regulations import rules
from regulations.models import Field, Regulation, RegulationParty, RegulationRelation


class AgencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name"]


class SuccessionSerializer(serializers.ModelSerializer):
    predecessor = AgencyBriefSerializer(read_only=True, label="Cơ quan trước")
    successor = AgencyBriefSerializer(read_only=True, label="Cơ quan kế thừa")
    kind_label = serializers.CharField(source="get_kind_display", label="Hình thức (chữ)")

    class Meta:
        model = AgencySuccession
        fields = ["predecessor", "successor", "kind", "kind_label", "effective_on"]


class AgencySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", label="Loại cơ quan (chữ)")
    level_label = serializers.CharField(source="get_level_display", label="Cấp (chữ)")
    locality = serializers.CharField(source="locality.name", label="Địa bàn")
    parent = AgencyBriefSerializer(read_only=True, label="Cơ quan cấp trên")
    current_carrier = AgencyBriefSerializer(read_only=True, label="Đơn vị đang kế thừa công việc")
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


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "code", "name"]


class PartySerializer(serializers.ModelSerializer):
    agency = AgencyBriefSerializer(read_only=True, label="Cơ quan")
    role_label = serializers.CharField(source="get_role_display", label="Vai trò (chữ)")

    class Meta:
        model = RegulationParty
        fields = ["agency", "role", "role_label", "signatory_name", "signatory_title", "signing_capacity"]


class RelationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", label="Hình thức (chữ)")
    source_id = serializers.IntegerField(label="Mã văn bản mới")
    source_number = serializers.CharField(source="source.number", label="Số, ký hiệu văn bản mới")
    target_id = serializers.IntegerField(label="Mã văn bản bị tác động")
    target_number = serializers.CharField(source="target.number", label="Số, ký hiệu văn bản bị tác động")

    class Meta:
        model = RegulationRelation
        fields = ["kind", "kind_label", "source_id", "source_number", "target_id", "target_number", "effective_on"]


class RegulationSerializer(serializers.ModelSerializer):
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
        read_only=True, label="Sửa đổi, bổ sung cho văn bản"
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
        carrier = host.current_carrier if host.current_carrier_id else (host if host.is_active else None)
        return AgencyBriefSerializer(carrier).data if carrier else None

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, obj: Regulation) -> list[dict]:
        rows = list(obj.outgoing_relations.all()) + list(obj.incoming_relations.all())
        return list(RelationSerializer(sorted(rows, key=lambda r: (r.effective_on, r.pk)), many=True).data)


class MeetingSerializer(serializers.ModelSerializer):
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

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_regulations(self, obj: Meeting) -> list[dict]:
        return [{"id": r.pk, "number": r.number} for r in obj.regulations.all()]


class DirectiveSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", label="Trạng thái (chữ)")
    is_overdue = serializers.SerializerMethodField(label="Quá hạn")
    meeting = serializers.SerializerMethodField(label="Cuộc họp giao nhiệm vụ")
    assigned_agency = AgencyBriefSerializer(read_only=True, label="Đơn vị được giao")

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
