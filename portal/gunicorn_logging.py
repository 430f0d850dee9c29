"""gunicorn's logs: the access log without secret path segments (``--logger-class
portal.gunicorn_logging.RedactingLogger``) and, with ``LOG_FORMAT=json`` (production's default), one JSON
object per line like the portal's own logs, with the request id the portal answered with."""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.glogging import Logger

from portal.redact import redact


def log_format() -> str:
    default = "json" if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".production") else "text"
    return os.environ.get("LOG_FORMAT", default)


def json_formatter() -> logging.Formatter:
    import socket

    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        ["asctime", "levelname", "name", "message"],
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        static_fields={"node": os.environ.get("NODE_NAME") or socket.gethostname()},
    )


class RedactingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.json = log_format() == "json"
        if self.json:
            formatter = json_formatter()
            for handler in [*self.error_log.handlers, *self.access_log.handlers]:
                handler.setFormatter(formatter)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms

    def access(self, resp, req, environ, request_time) -> None:
        if not getattr(self, "json", False):
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        atoms = self.atoms(resp, req, environ, request_time)
        path = atoms["U"] + (f"?{atoms['q']}" if atoms.get("q") else "")
        self.access_log.info(
            "%s %s %s",
            atoms["m"],
            path,
            atoms["s"],
            extra={
                "method": atoms["m"],
                "path": path,
                "status": resp.status_code if hasattr(resp, "status_code") else atoms["s"],
                "bytes": atoms["B"],
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "remote_addr": atoms["h"],
                "user_agent": atoms["a"],
                "request_id": atoms.get("{x-request-id}o") or None,
            },
        )
        return None
