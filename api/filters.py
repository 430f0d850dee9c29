from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView

BOOLEANS = {"true", "false", "1", "0", ""}
MSG_BOOLEAN = "Giá trị phải là true hoặc false."


class ScopedFilterBackend(DjangoFilterBackend):
    """The pages' FilterSets take the user (their agency choices are scoped) and sometimes today."""

    def get_filterset_kwargs(self, request: Request, queryset: QuerySet, view: APIView) -> dict:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        # A form's checkbox reads anything else as "not ticked"; an API client meant something.
        filters = self.get_filterset_class(view, queryset).base_filters
        bad = {
            name: [MSG_BOOLEAN]
            for name, flt in filters.items()
            if isinstance(flt, django_filters.BooleanFilter)
            and any(value.lower() not in BOOLEANS for value in kwargs["data"].getlist(name))
        }
        if bad:
            raise exceptions.ValidationError(bad)
        kwargs["user"] = request.user
        kwargs.update(getattr(view, "filterset_extra_kwargs", dict)())
        return kwargs
