from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per service token (per user for browser sessions, per address for anonymous)."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        auth = getattr(request, "auth", None)
        if auth is not None and hasattr(auth, "key"):
            ident = f"token-{auth.user_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
