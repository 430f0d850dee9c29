"""Clean text stored before ``portal.text`` existed: bidirectional controls out of every text column of
the portal's apps, line breaks out of the one-line (``CharField``) columns. One UPDATE per column, on the
rows that need it; run once after upgrading (running it again changes nothing).

    python manage.py clean_stored_text
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from portal import text

PORTAL_APPS = ("accounts", "agencies", "regulations", "meetings", "signing", "notifications", "imports", "audit")


class Command(BaseCommand):
    help = "Bỏ ký tự điều khiển hướng chữ (bidi) khỏi dữ liệu đã lưu, và bỏ xuống dòng trong các trường một dòng."

    def handle(self, *args: Any, **options: Any) -> None:
        bidi = f"[{text.BIDI_CONTROLS}]"
        breaks = "[ \t]*[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+[ \t]*"
        total = 0
        with transaction.atomic(), connection.cursor() as cursor:
            for model in apps.get_models():
                if model._meta.app_label not in PORTAL_APPS or not model._meta.managed:
                    continue
                table = connection.ops.quote_name(model._meta.db_table)
                columns = {field.attname: str(field.column) for field in model._meta.concrete_fields}
                for attname, multiline in text.text_fields(model):
                    column = connection.ops.quote_name(columns[attname])
                    if multiline:
                        sql = f"UPDATE {table} SET {column} = regexp_replace({column}, %s, '', 'g') WHERE {column} ~ %s"
                        params = [bidi, bidi]
                    else:
                        sql = (
                            f"UPDATE {table} SET {column} = regexp_replace(regexp_replace({column}, %s, '', 'g'), "
                            f"%s, ' ', 'g') WHERE {column} ~ %s OR {column} ~ %s"
                        )
                        params = [bidi, breaks, bidi, breaks]
                    cursor.execute(sql, params)
                    if cursor.rowcount:
                        self.stdout.write(f"{model._meta.label}.{attname}: {cursor.rowcount} dòng")
                        total += cursor.rowcount
        self.stdout.write(self.style.SUCCESS(f"Đã làm sạch {total} giá trị."))
