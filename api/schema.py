"""The OpenAPI schema says everything a client can get back: every error status with its JSON body,
and query parameters typed as the filters read them (ids are integers, years have their bounds)."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

MAX_ID = 2**63 - 1


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(label="Thông báo lỗi (tiếng Việt)")
    code = serializers.CharField(label="Mã lỗi (not_authenticated, invalid, not_found, throttled …)")
    errors = serializers.DictField(  # type: ignore[assignment]  # the API field "errors"
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        label="Lỗi theo từng tham số (chỉ với 400)",
    )

    class Meta:
        ref_name = "Error"


RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Số giây nên chờ trước khi thử lại."}}
ERRORS: dict[str, tuple[str, dict]] = {
    "400": ("Tham số không hợp lệ; `errors` nêu lỗi của từng tham số.", {}),
    "401": ("Chưa xác thực, mã truy cập sai hoặc tài khoản bị khóa.", {}),
    "403": ("Tài khoản không có quyền xem nội dung này.", {}),
    "404": (
        "Không tìm thấy, hoặc ngoài phạm vi dữ liệu của tài khoản (trả lời như nhau); trang vượt quá cuối danh sách.",
        {},
    ),
    "429": ("Quá nhiều yêu cầu với mã truy cập này.", RETRY_AFTER),
    "503": ("Cơ sở dữ liệu tạm thời không truy cập được; thử lại sau ít phút.", RETRY_AFTER),
}
# Every operation: authentication, the throttle and an unreachable database.
ALWAYS = ("401", "429", "503")
BY_ACTION = {"list": ("400", "404"), "retrieve": ("404",)}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema with the error responses of each operation. A view adds its own
    codes in ``error_codes`` (e.g. the dashboard's 403)."""

    def error_codes(self) -> list[str]:
        codes = {*ALWAYS, *BY_ACTION.get(getattr(self.view, "action", None) or "", ())}
        codes.update(getattr(self.view, "error_codes", ()))
        return sorted(codes)

    def get_operation(self, *args: Any, **kwargs: Any) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for code in self.error_codes():
            description, headers = ERRORS[code]
            response: dict[str, Any] = {
                "description": description,
                "content": {"application/json": {"schema": error}},
            }
            if headers:
                response["headers"] = headers
            operation["responses"].setdefault(code, response)
        for parameter in operation.get("parameters", []):
            self._refine_filter_parameter(parameter)
            if parameter["in"] == "query" and not parameter.get("required"):
                # An empty value is no value: "status=" lists every status, "page=" is page 1.
                parameter["allowEmptyValue"] = True
        return operation

    def _refine_filter_parameter(self, parameter: dict) -> None:
        """Type a filter's parameter as its form field reads it (drf-spectacular sees a string when a
        filter has its own method)."""
        filterset = getattr(self.view, "filterset_class", None)
        flt = filterset.base_filters.get(parameter["name"]) if filterset and parameter["in"] == "query" else None
        if flt is None:
            return
        schema = parameter["schema"]
        if isinstance(flt, django_filters.ModelChoiceFilter):
            schema.clear()
            schema.update({"type": "integer", "minimum": 1, "maximum": MAX_ID})
        elif isinstance(flt, django_filters.BooleanFilter):
            schema.clear()
            schema["type"] = "boolean"
        elif isinstance(flt, django_filters.NumberFilter):
            if flt.extra.get("decimal_places") == 0:
                schema["type"] = "integer"
            for bound, key in (("min_value", "minimum"), ("max_value", "maximum")):
                if flt.extra.get(bound) is not None:
                    schema[key] = flt.extra[bound]
