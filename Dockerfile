# chatnext: same environment variables and port as a NextChat container.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHATNEXT_DOCKER=1 \
    DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install ".[redis]" \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin chatnext \
 && mkdir -p /data && chown chatnext /data \
 && rm -rf /app/src /app/build

# Usage, lockouts, sessions and the generated session secret: mount a volume to keep them.
VOLUME ["/data"]

USER chatnext
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:%s/api/health' % (os.environ.get('PORT') or '3000'), timeout=4).status != 200)"]

# The port is PORT when the platform sets one, else 3000 (NextChat's).
CMD ["chatnext", "serve", "--host", "0.0.0.0"]
