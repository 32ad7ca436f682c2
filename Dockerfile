# The API serving the committed default model, as a non-root user.
#   docker build -t moderation .
#   docker run -p 8000:8000 --stop-timeout 30 moderation           # embedded Redis in /app/var
#   docker run -p 8000:8000 -e REDIS_URL=redis://host:6379/0 -e MODERATION_WORKERS=2 moderation
# compose.yaml runs it with its own Redis. README, "Deployment".

# Stage 1: wheels of the package and of every dependency (none needs a compiler on
# x86_64/arm64 CPython 3.11; the build tools stay out of the final image).
FROM python:3.11-slim AS wheels
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY moderation ./moderation
COPY training ./training
RUN pip wheel --wheel-dir /wheels .

# Stage 2: the runtime.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MODERATION_HOST=0.0.0.0 MODERATION_PORT=8000 \
    MODERATION_MODELS_DIR=/app/models \
    MODERATION_STATE_DIR=/app/var
RUN useradd --create-home --uid 10001 moderation
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    pip install /wheels/*.whl
WORKDIR /app
# Local state: the embedded Redis's data when no REDIS_URL is set, the review spool (entries
# Redis could not take), the site's term lists. Mount a volume here to keep them
# (`-v moderation-state:/app/var`; a new named volume takes this folder's owner).
RUN mkdir /app/var && chown moderation:moderation /app/var
# The model last: a new model version rebuilds only this layer.
COPY --chown=moderation:moderation models ./models

USER moderation
EXPOSE 8000
# Ready = model loaded and Redis answering (GET /readyz, 200 or 503).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('MODERATION_PORT', '8000'); sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/readyz', timeout=4).status != 200)"]
# SIGTERM (docker stop) drains requests in flight for MODERATION_SHUTDOWN_TIMEOUT (20 s) before
# exiting: give `docker stop`/`docker run` a longer timeout than Docker's default 10 s.
STOPSIGNAL SIGTERM
CMD ["moderation", "serve"]
