# Gendan's image: the same image runs migrate, web, worker and beat (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GENDAN_VAR_DIR=/app/var

WORKDIR /app

# The printed documents (WeasyPrint): Pango, HarfBuzz and a CJK font (Noto CJK).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, pinned and hash-checked, so code changes reuse this layer.
# psycopg[binary] brings its own libpq: no compiler needed.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

RUN useradd --create-home --uid 1000 gendan \
    && mkdir -p /app/var/media /app/var/staticfiles \
    && chown -R gendan:gendan /app/var
COPY --chown=gendan:gendan . .

USER gendan
EXPOSE 8000

# The web process by default; docker-compose.yml sets the command of each service.
CMD ["gunicorn", "gendan.wsgi", "--workers", "2", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--no-control-socket"]
