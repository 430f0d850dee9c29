"""Pagination for lists that can hold the whole country.

An exact ``COUNT(*)`` reads every matching row: for "quá hạn sơ kết" across the country it cost more
than the rest of the page. ``CappedPaginator`` counts at most ``cap`` rows (a ``LIMIT`` inside the
count); past it the list says "Hơn 10.000 …" and pages on with "Trang sau" alone, which knows whether
another page exists by reading one row more than it shows. Exports and the dashboard give the exact
totals of a large scope."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000
MAX_PAGE = 1_000_000
# Past this many rows a page finds its ids first and then reads its rows by primary key: an OFFSET
# over the full rows (their joins and computed columns) cost four times as much as over the ids alone.
DEFERRED_FROM = 1_000


class CappedPage(Page):
    def __init__(self, object_list, number: int, paginator: CappedPaginator, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more
        self.notice = ""  # why this page is not the one asked for (a bad or too high number)

    def has_next(self) -> bool:
        return self.more if getattr(self.paginator, "capped", False) else super().has_next()


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page: int, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = DEFAULT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        """The exact number of rows, or ``cap + 1`` when there are more than ``cap``."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # Without its order the count may stop at any cap + 1 rows, not walk the sort index.
            return rows.order_by()[: self.cap + 1].count()
        return len(rows[: self.cap + 1])

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError, OverflowError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise PageNotAnInteger(self.error_messages["min_page"])
        if number > MAX_PAGE:  # an OFFSET the database cannot take: past the end anyway
            raise EmptyPage(self.error_messages["no_results"])
        return number if self.capped else super().validate_number(number)

    def page(self, number) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self._rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _rows(self, bottom: int, top: int) -> list:
        rows = self.object_list
        if bottom < DEFERRED_FROM or not isinstance(rows, QuerySet):
            return list(rows[bottom:top])
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        by_pk = {row.pk: row for row in rows.filter(pk__in=ids)} if ids else {}
        return [by_pk[pk] for pk in ids if pk in by_pk]

    def get_page(self, number) -> CappedPage:
        """The page asked for; for a number that is not one, page 1; past the end, the last page (or
        page 1 of a capped list, whose last page is not known without counting everything). Either
        way the page's ``notice`` says so."""
        if number in (None, ""):
            return self.page(1)
        try:
            return self.page(number)
        except PageNotAnInteger:
            page = self.page(1)
            page.notice = "Số trang không hợp lệ; đang hiển thị trang 1."
        except EmptyPage:
            shown = 1 if self.capped else self.num_pages
            page = self.page(shown)
            asked = str(number)[:12]
            page.notice = (
                f"Trang {asked} không có dữ liệu; đang hiển thị {'trang 1' if shown == 1 else f'trang cuối ({shown})'}."
            )
        return page
