# argmap's image: gunicorn serving config.wsgi (gunicorn.conf.py), static files collected
# and served by WhiteNoise. The same image runs the Celery worker and the migrations
# (see compose.yaml). Build: docker build -t argmap .

# --- build: dependencies into a virtual environment, static files collected ---
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /venv
COPY requirements.txt /tmp/requirements.txt
RUN /venv/bin/pip install --requirement /tmp/requirements.txt

WORKDIR /app
COPY . .
# collectstatic needs settings that start with DEBUG off; these values are used for nothing else.
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    /venv/bin/python manage.py collectstatic --no-input --verbosity 0

# --- run: the virtual environment and the code, owned by root, run by an unprivileged user ---
FROM python:3.11-slim-bookworm

ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=false \
    PROMETHEUS_MULTIPROC_DIR=/tmp/argmap-metrics

RUN groupadd --system --gid 10001 argmap \
    && useradd --system --uid 10001 --gid argmap --no-create-home argmap

COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi"]
