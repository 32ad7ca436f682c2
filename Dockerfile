# Slim image serving the committed default model. Build: docker build -t moderation .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MODERATION_HOST=0.0.0.0 MODERATION_PORT=8000

RUN useradd --create-home --uid 10001 moderation
WORKDIR /app
COPY pyproject.toml README.md ./
COPY moderation ./moderation
COPY training ./training
COPY models ./models
RUN pip install . && chown -R moderation /app
ENV MODERATION_MODELS_DIR=/app/models
# Without REDIS_URL the embedded Redis keeps the review queue here (mount a volume to keep it).
ENV MODERATION_STATE_DIR=/app/var

USER moderation
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD ["moderation", "serve"]
