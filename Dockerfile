# podbot: the Discord bot. Build: docker build -t podbot .
# Run:   docker run -d --name podbot -e DISCORD_TOKEN=... -v podbot-data:/data podbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 podbot \
    && mkdir /data && chown podbot:podbot /data
WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir -p bot cogs \
    && touch bot/__init__.py cogs/__init__.py \
    && pip install . \
    && pip uninstall --yes podbot \
    && rm -rf bot cogs

COPY bot ./bot
COPY cogs ./cogs
COPY config.example.toml ./
RUN pip install --no-deps . \
    && sed 's|^path = "data/episodes.db"|path = "/data/episodes.db"|' config.example.toml > config.toml

USER podbot
VOLUME ["/data"]
HEALTHCHECK --interval=5m --timeout=30s --start-period=2m --retries=3 CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
