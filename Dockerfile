# The portal's production image: gunicorn serves Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

# The PostgreSQL client (pg_dump for scripts/backup.sh) must match the server's major version, which
# docker-compose.yml takes from the same PG_MAJOR; Debian 12 ships only 15, so it comes from PGDG.
ARG PG_MAJOR=16

# WeasyPrint (minutes and notices as PDF) needs Pango/HarfBuzz; fonts-croscore gives Tinos, a
# metric-compatible Times New Roman with every Vietnamese glyph, as Decree 30/2020 wants.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libffi8 \
        fonts-croscore fonts-liberation2 fonts-dejavu-core fontconfig \
        tesseract-ocr tesseract-ocr-vie ocrmypdf \
        postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system portal && useradd --system --gid portal --home-dir /app --shell /usr/sbin/nologin portal

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=portal:portal . .

# collectstatic needs settings but no database and no real secret.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py collectstatic --no-input \
    && mkdir -p /app/var/media \
    && chown -R portal:portal /app/var

USER portal
EXPOSE 8000

# Liveness: the process answers, no I/O (/healthz). docker-compose.yml checks readiness (/readyz) instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"

# Worker model and counts live in gunicorn.conf.py (gthread, 2 x 8 threads; docs/benchmarks.md).
ENV CONN_MAX_AGE=60
CMD ["gunicorn", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--logger-class", "portal.gunicorn_logging.RedactingLogger", "portal.wsgi"]
