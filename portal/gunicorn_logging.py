"""gunicorn's access log without secret path segments (``--logger-class portal.gunicorn_logging.RedactingLogger``)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from portal.redact import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
