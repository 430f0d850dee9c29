"""Small SQL building blocks (the set-based reminder scan and its providers), portable between PostgreSQL
(production, CI) and SQLite (quick local tests): day differences, Vietnamese date text, and a translated message
template turned into a SQL concatenation so that titles and bodies are built by the database."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.db.models import CharField, DateField, Expression, ExpressionWrapper, F, Func, IntegerField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PK_MARK = 987654321


class DaysUntil(Func):
    """``expression - day`` in whole days (negative once ``day`` is past the date)."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, expression, day: datetime.date) -> None:
        super().__init__(expression, Value(day, output_field=DateField()))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class DayMonthYear(Func):
    """A date as "dd/mm/yyyy" text, the form of every date in the UI and the e-mails."""

    output_field = CharField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql}, %s)", [*params, "DD/MM/YYYY"]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"strftime(%s, {sql})", ["%d/%m/%Y", *params]


def text(value) -> Expression:
    """An expression as text (integers cast), a plain string as a literal."""
    if isinstance(value, str):
        return Value(value, output_field=CharField())
    if isinstance(value, Expression) and isinstance(getattr(value, "_output_field_or_none", None), CharField):
        return value
    return Cast(value, CharField())


def template(message: str, **parts) -> Expression:
    """``message % parts`` computed in SQL: the (translated) message's literal pieces around its
    ``%(name)s`` placeholders, concatenated with the expressions named in ``parts``."""
    pieces: list[Expression] = []
    position = 0
    for match in PLACEHOLDER.finditer(message):
        if match.start() > position:
            pieces.append(text(message[position : match.start()]))
        pieces.append(text(parts[match.group(1)]))
        position = match.end()
    if position < len(message):
        pieces.append(text(message[position:]))
    if len(pieces) == 1:
        return pieces[0]
    return Concat(*pieces, output_field=CharField())


def path(name: str, pk_expression: str) -> Expression:
    """The URL path of ``name`` for the primary key in column ``pk_expression``."""
    prefix, _mark, suffix = reverse(name, args=[PK_MARK]).partition(str(PK_MARK))
    return Concat(text(prefix), Cast(F(pk_expression), CharField()), text(suffix), output_field=CharField())


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def overdue_weeks(days_left: str) -> Expression:
    """The stage "overdue-w<k>": whole weeks past the date whose day count is in ``days_left``."""
    return Concat(
        Value("overdue-w"),
        Cast(ExpressionWrapper((Value(0) - F(days_left)) / Value(7), output_field=IntegerField()), CharField()),
        output_field=CharField(),
    )
