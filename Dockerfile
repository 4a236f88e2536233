# Production image of 保租通: slim Python, non-root user, gunicorn with uvicorn workers (no
# `server` header: app/core/server.py),
# migrations on start, health check on /healthz.
#   docker build -t baozu .
#   docker run -p 8000:8000 -e BAOZU_DATABASE_URL=postgresql+psycopg://... \
#     -e BAOZU_SECRET_KEY=... -e BAOZU_DATA_KEY=... \
#     -e FORWARDED_ALLOW_IPS=<the load balancer's addresses> baozu
# The job worker (reminders before deadlines, e-mail/SMS deliveries; docs/jobs.md) runs as a
# second container from the same image, with the same database and settings (the web server
# never runs jobs; several workers may run, each occurrence still runs once):
#   docker run -e BAOZU_DATABASE_URL=postgresql+psycopg://... -e BAOZU_SECRET_KEY=... \
#     -e BAOZU_DATA_KEY=... -e BAOZU_AUDIT_KEY=... -e BAOZU_SMTP_HOST=smtp.example.cn \
#     -e BAOZU_SMTP_USERNAME=... -e BAOZU_SMTP_PASSWORD=... baozu baozu worker
# (on SQLite, one worker beside one web container sharing the database file's volume.)
# Each gunicorn worker (WEB_CONCURRENCY) is one event loop with its own database pools:
# 2 × BAOZU_DB_POOL_SIZE connections to the primary per worker (docs/concurrency.md sizes
# them against PostgreSQL's max_connections across workers and containers).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BAOZU_ENVIRONMENT=production \
    WEB_CONCURRENCY=4 \
    FORWARDED_ALLOW_IPS=127.0.0.1

# A TrueType CJK font so certificate and notice PDFs embed their Chinese text.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/baozu
RUN groupadd --system baozu && useradd --system --gid baozu --home /srv/baozu baozu

# Dependencies first (cached layer), then the source tree (templates, migrations, rules).
COPY pyproject.toml ./
RUN mkdir app rules && touch app/__init__.py rules/__init__.py \
    && pip install . && pip uninstall -y baozu && rm -rf app rules build *.egg-info
COPY . .
RUN pip install --no-deps -e . && chown -R baozu:baozu /srv/baozu

USER baozu
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

CMD ["sh", "-c", "baozu migrate && exec gunicorn app.main:app --worker-class app.core.server.UvicornWorker --workers ${WEB_CONCURRENCY} --bind 0.0.0.0:8000 --access-logfile - --forwarded-allow-ips=${FORWARDED_ALLOW_IPS}"]
