"""The read-only REST API. Every queryset comes from ``api.selectors`` (the apps' selectors, scoped
by portal.access) and is filtered by the same django-filter FilterSets as the pages."""

from __future__ import annotations

import datetime
from typing import cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import JsonResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.views import APIView

from accounts.models import User
from agencies.models import Agency
from api import selectors, serializers
from api.schema import ApiAutoSchema
from dashboards import selectors as dashboard_selectors
from meetings.filters import DirectiveFilter, MeetingFilter
from meetings.models import Directive, Meeting
from portal import params
from regulations.filters import RegulationFilter
from regulations.models import Regulation


def _today() -> datetime.date:
    return timezone.localdate()


def user_of(request: Request) -> User:
    """The API's views are behind ``IsAuthenticated``: the user is never anonymous there."""
    return cast(User, request.user)


class ApiViewMixin:
    schema: ViewInspector | None = ApiAutoSchema()


class TodayMixin:
    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()  # type: ignore[misc]  # a mixin of a GenericViewSet
        context["today"] = _today()
        return context


@extend_schema_view(
    list=extend_schema(
        summary="Danh sách cơ quan, đơn vị trong phạm vi được xem",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Tìm theo tên, mã, tên viết tắt (không dấu)"),
            OpenApiParameter(
                "doi_tac",
                OpenApiTypes.BOOL,
                description="Chỉ các cơ quan được chọn làm bên ký kết với đơn vị của người dùng (bản đồ 2025): "
                "cùng tỉnh, cấp trên, đơn vị kế thừa đối tác cũ (xếp trước)",
            ),
            OpenApiParameter(
                "ngay",
                OpenApiTypes.DATE,
                description="Ngày của văn bản (yyyy-mm-dd hoặc dd/mm/yyyy), cùng doi_tac: "
                "bỏ cơ quan đã giải thể trước ngày này",
            ),
        ],
    ),
    retrieve=extend_schema(summary="Một cơ quan, đơn vị với quan hệ kế thừa"),
)
class AgencyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = serializers.AgencySerializer

    def get_queryset(self) -> QuerySet[Agency]:
        query = self.request.query_params
        on = None
        if query.get("ngay"):
            on = params.date_param(query["ngay"])
            if on is None:
                raise exceptions.ValidationError({"ngay": ["Ngày không hợp lệ: ghi yyyy-mm-dd hoặc dd/mm/yyyy."]})
        flag = query.get("doi_tac", "")
        if flag not in ("", "true", "false", "1", "0"):
            raise exceptions.ValidationError({"doi_tac": ["Ghi true hoặc false."]})
        partners = flag in ("true", "1")
        return selectors.agencies(user_of(self.request), query.get("q", "")[:200], partners, on)


@extend_schema_view(
    list=extend_schema(summary="Sổ quy chế phối hợp (cùng bộ lọc như trang /quy-che/)"),
    retrieve=extend_schema(summary="Một quy chế: hiệu lực, sơ kết, các bên, lĩnh vực, quan hệ, đơn vị kế thừa"),
)
class RegulationViewSet(ApiViewMixin, TodayMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = serializers.RegulationSerializer
    filterset_class = RegulationFilter

    def filterset_extra_kwargs(self) -> dict:
        return {"today": _today()}

    def get_queryset(self) -> QuerySet[Regulation]:
        return selectors.regulations(user_of(self.request), _today())


@extend_schema_view(
    list=extend_schema(summary="Hội nghị, cuộc họp (cùng bộ lọc như trang /hoi-nghi/)"),
    retrieve=extend_schema(summary="Một hội nghị, cuộc họp"),
)
class MeetingViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meetings(user_of(self.request))


@extend_schema_view(
    list=extend_schema(summary="Nhiệm vụ được giao (cùng bộ lọc như trang /hoi-nghi/nhiem-vu/)"),
    retrieve=extend_schema(summary="Một nhiệm vụ được giao"),
)
class DirectiveViewSet(ApiViewMixin, TodayMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"
    serializer_class = serializers.DirectiveSerializer
    filterset_class = DirectiveFilter

    def get_queryset(self) -> QuerySet[Directive]:
        return selectors.directives(user_of(self.request))


def not_found(request, *args, **kwargs) -> JsonResponse:
    return JsonResponse({"detail": "Không có địa chỉ API này.", "code": "not_found"}, status=404)


class DashboardView(ApiViewMixin, APIView):
    """The dashboard figures of a unit (with every unit below it) for a period, as on /tong-quan/."""

    # 403: staff asking for another unit, an account without a unit; 404: a unit outside the scope.
    error_codes = ("400", "403", "404")

    @extend_schema(
        summary="Số liệu tổng quan của một đơn vị trong một kỳ",
        parameters=[serializers.DashboardQuerySerializer],
        responses=serializers.DashboardSerializer,
    )
    def get(self, request: Request) -> Response:
        today = _today()
        given = {key: value for key, value in request.query_params.items() if value != ""}
        query = serializers.DashboardQuerySerializer(data=given)
        query.is_valid(raise_exception=True)
        period, errors = dashboard_selectors.parse_period(request.query_params, today)
        if errors:
            raise exceptions.ValidationError({k: [str(v)] for k, v in errors.items()})
        try:
            dash = dashboard_selectors.build(user_of(request), request.query_params.get("agency"), period, today)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from None
        data = {
            "agency": dash.scope.agency,
            "today": today,
            "period": {"kind": period.kind, "start": period.start, "end": period.end, "label": str(period.label)},
            "totals": dash.totals,
            "rows": [
                {
                    "label": str(r["label"]),
                    "locality_id": r["locality_id"],
                    "agency_id": r["agency_id"],
                    "figures": r["figures"],
                }
                for r in dash.rows
            ],
        }
        return Response(serializers.DashboardSerializer(data).data)
