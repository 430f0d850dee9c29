"""Two ways through an API list.

* **Page numbers** (``?page=2&page_size=100``, the default): ``count`` is counted as on the pages
  (``portal.pagination.CappedPaginator``): exact up to 10,000 rows, past that ``count`` is 10,000 and
  ``count_capped`` is true, and ``next`` still says whether another page follows. Deep pages cost an
  OFFSET: fine for a person, slow for a system that reads everything.
* **A cursor** (``?cursor=`` to start, then the ``next`` link): rows in the order of their ``id``
  (new rows come last), each page found from the last ``id`` of the one before through the primary
  key, so the 1,000th page costs what the first does and a client walks the whole scope; no count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import QuerySet
from rest_framework import exceptions
from rest_framework.pagination import BasePagination, Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.formats import group_thousands
from portal.pagination import DEFAULT_CAP, CappedPage, CappedPaginator

Rows = QuerySet[Any, Any] | Sequence[Any]

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_ID = 2**63 - 1

MSG_PAGE = "Số trang phải là số nguyên từ 1 trở lên."
MSG_PAGE_SIZE = "Số dòng mỗi trang phải là số nguyên từ 1 trở lên (tối đa 500)."
MSG_CURSOR = "Con trỏ trang không hợp lệ: hãy dùng đúng liên kết “next” hoặc “previous” của trang trước."
MSG_BOTH = "Dùng “page” (trang theo số) hoặc “cursor” (trang theo con trỏ), không dùng cả hai."


def _page_size(request: Request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None or raw == "":
        return PAGE_SIZE
    try:
        size = int(raw)
    except (TypeError, ValueError, OverflowError):
        size = 0
    if size < 1:
        raise exceptions.ValidationError({"page_size": [MSG_PAGE_SIZE]})
    return min(size, MAX_PAGE_SIZE)


class CappedPageNumberPagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()  # "last" is unknowable once the count stops at the cap

    def get_page_size(self, request: Request) -> int:
        return _page_size(request)

    def paginate_queryset(self, queryset: Rows, request: Request, view: APIView | None = None) -> list[Any]:
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        raw = request.query_params.get(self.page_query_param) or 1
        try:
            self.page = paginator.page(raw)
        except PageNotAnInteger:
            raise exceptions.ValidationError({self.page_query_param: [MSG_PAGE]}) from None
        except EmptyPage:
            raise exceptions.NotFound() from None
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        paginator = cast(CappedPaginator, cast(CappedPage, self.page).paginator)
        return Response(
            {
                "count": min(paginator.count, paginator.cap),
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )


class IdCursorPagination(CursorPagination):
    ordering = ("id",)
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return _page_size(request)

    def get_ordering(self, request: Request, queryset: QuerySet, view: APIView) -> tuple[str, ...]:
        return ("id",)  # the filters' own "sort" does not apply to a walk

    def decode_cursor(self, request: Request) -> Cursor | None:
        invalid = exceptions.ValidationError({self.cursor_query_param: [MSG_CURSOR]})
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise invalid from None
        # DRF passes the position to the database as it came: "p=abc" or 2**64 would be a 500.
        position = None if cursor is None or cursor.position is None else str(cursor.position)
        if position is not None and not (position.isascii() and position.isdigit() and int(position) <= MAX_ID):
            raise invalid
        return cursor


class Pagination(BasePagination):
    """Page numbers unless the request names a ``cursor`` (empty for the first page)."""

    def paginate_queryset(self, queryset: Rows, request: Request, view: APIView | None = None) -> list[Any] | None:
        if "cursor" in request.query_params:
            if "page" in request.query_params:
                raise exceptions.ValidationError({"cursor": [MSG_BOTH]})
            self.mode: BasePagination = IdCursorPagination()
        else:
            self.mode = CappedPageNumberPagination()
        return self.mode.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        return self.mode.get_paginated_response(data)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "description": (
                "Một trang của danh sách. Trang theo số (mặc định) có thêm `count` và `count_capped`; "
                "trang theo con trỏ (`cursor`) chỉ có `next`, `previous` và `results`."
            ),
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": (
                        "Chỉ khi phân trang theo số. Số dòng khớp bộ lọc, đếm chính xác đến "
                        f"{group_thousands(DEFAULT_CAP)}; khi có nhiều hơn thì bằng {group_thousands(DEFAULT_CAP)} "
                        "và `count_capped` là true."
                    ),
                },
                "count_capped": {
                    "type": "boolean",
                    "description": (
                        "Chỉ khi phân trang theo số. true: danh sách có hơn `count` dòng (không đếm hết); "
                        "dùng `next` để biết còn trang sau."
                    ),
                },
                "next": {**link, "description": "Liên kết trang sau; null ở trang cuối."},
                "previous": {**link, "description": "Liên kết trang trước; null ở trang đầu."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[Any]:
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "Số trang (từ 1) khi phân trang theo số. Không dùng cùng `cursor`.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Số dòng mỗi trang (mặc định {PAGE_SIZE}; lớn hơn {MAX_PAGE_SIZE} được hiểu là "
                f"{MAX_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": (
                    "Phân trang theo con trỏ, để đọc hết danh sách (đồng bộ): gửi `cursor=` (để trống) cho trang "
                    "đầu rồi theo liên kết `next` đến khi `next` là null. Thứ tự theo `id` tăng dần (bản ghi mới "
                    "ở cuối); tham số `sort` không áp dụng. Mỗi trang nhanh như trang đầu; không có `count`."
                ),
                "schema": {"type": "string"},
                "allowEmptyValue": True,
            },
        ]
