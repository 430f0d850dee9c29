"""The period of a dashboard: a year, a quarter or two dates typed by the user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from portal.forms import sane_year


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # year | quarter | custom
    start: datetime.date
    end: datetime.date  # inclusive
    year: int | None = None
    quarter: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Năm %(year)s") % {"year": self.year}
        if self.kind == "quarter":
            return _("Quý %(q)s năm %(year)s") % {"q": self.quarter, "year": self.year}
        return _("Từ %(a)s đến %(b)s") % {"a": fmt(self.start), "b": fmt(self.end)}

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [start, end) in the portal's time zone, so starts_at can use its index."""
        tz = ZoneInfo(settings.TIME_ZONE)
        lo = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        hi = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return lo, hi


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_date(text: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        try:
            sane_year(day)
        except ValidationError as exc:
            raise PeriodError(exc.messages[0]) from None
        return day
    raise PeriodError(_("Ngày “%(v)s” không đúng dạng ngày/tháng/năm (ví dụ 31/12/2024).") % {"v": text})


def parse_period(params: QueryDict | dict[str, str], today: datetime.date) -> tuple[Period, dict[str, str]]:
    """The period chosen in GET ``params``; on bad input the default (this year) plus errors by field."""
    errors: dict[str, str] = {}
    kind = params.get("period") or "year"
    try:
        year = int(params.get("year") or today.year)
        if not 1990 <= year <= 2100:
            raise ValueError
    except ValueError:
        errors["year"] = _("Năm không hợp lệ.")
        year = today.year
    if kind == "quarter":
        try:
            quarter = int(params.get("quarter") or (today.month - 1) // 3 + 1)
            if not 1 <= quarter <= 4:
                raise ValueError
        except ValueError:
            errors["quarter"] = _("Quý phải từ 1 đến 4.")
            quarter = (today.month - 1) // 3 + 1
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1)
        return Period("quarter", start, end, year, quarter), errors
    if kind == "custom":
        first: datetime.date | None = None
        last: datetime.date | None = None
        try:
            first = parse_date(params.get("date_from") or "")
        except PeriodError as exc:
            errors["date_from"] = str(exc) if params.get("date_from") else _("Nhập ngày bắt đầu.")
        try:
            last = parse_date(params.get("date_to") or "")
        except PeriodError as exc:
            errors["date_to"] = str(exc) if params.get("date_to") else _("Nhập ngày kết thúc.")
        if first and last and last < first:
            errors["date_to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
        if first and last and not errors:
            return Period("custom", first, last), errors
    elif kind != "year":
        errors["period"] = _("Kỳ báo cáo không hợp lệ.")
    return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31), year), errors
