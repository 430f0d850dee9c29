"""Errors of the API as JSON with Vietnamese messages: ``{"detail": ..., "code": ...}``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler

MESSAGES: dict[type[exceptions.APIException], str] = {
    exceptions.NotAuthenticated: "Chưa xác thực: gửi mã truy cập trong tiêu đề “Authorization: Token <mã>” "
    "hoặc đăng nhập cổng.",
    exceptions.AuthenticationFailed: "Mã truy cập không hợp lệ hoặc tài khoản đã bị khóa.",
    exceptions.PermissionDenied: "Bạn không có quyền truy cập nội dung này.",
    exceptions.NotFound: "Không tìm thấy.",
    exceptions.MethodNotAllowed: "API chỉ cho phép đọc (GET); phương thức này không được hỗ trợ.",
    exceptions.NotAcceptable: "Không trả được dữ liệu theo định dạng yêu cầu (chỉ có JSON).",
    exceptions.ParseError: "Yêu cầu không đọc được.",
    exceptions.UnsupportedMediaType: "Kiểu dữ liệu gửi lên không được hỗ trợ.",
}


def handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        seconds = getattr(exc, "wait", None) or 0
        wait = int(seconds) + (1 if seconds % 1 else 0)
        response.data = {"detail": f"Quá nhiều yêu cầu; hãy thử lại sau {wait} giây.", "code": "throttled"}
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Tham số không hợp lệ.", "code": "invalid", "errors": response.data}
        return response
    for cls, message in MESSAGES.items():
        if isinstance(exc, cls):
            detail = getattr(exc, "detail", "")
            # Our own Vietnamese messages (portal.access) are kept; DRF's English defaults are replaced.
            own = isinstance(exc, exceptions.PermissionDenied) and str(detail) != str(cls.default_detail)
            response.data = {"detail": str(detail) if own else message, "code": cls.default_code}
            return response
    response.data = {"detail": "Yêu cầu không thực hiện được.", "code": getattr(exc, "default_code", "error")}
    return response
