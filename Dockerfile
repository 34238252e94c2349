# Slim, non-root image: migrates, then serves.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/laowu
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install . && useradd --create-home --uid 10001 laowu && chown -R laowu /srv/laowu
USER laowu
EXPOSE 8000
CMD ["sh", "-c", "laowu migrate && laowu serve --host 0.0.0.0 --port 8000"]
