"""Typing of requests: behind ``login_required`` the user is a ``User``, never anonymous."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """Annotate views behind ``login_required`` (and the API's authenticated views) with this."""

    user: User
