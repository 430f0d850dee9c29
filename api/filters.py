from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend


class ScopedFilterBackend(DjangoFilterBackend):
    """The pages' FilterSets take the user (their agency choices are scoped) and sometimes today."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["user"] = request.user
        kwargs.update(getattr(view, "filterset_extra_kwargs", dict)())
        return kwargs
