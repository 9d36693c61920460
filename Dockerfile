# The IPMD Policy Coherence Dashboard as a container image.
#
#   docker build -t ipmd-dashboard .
#   docker run -p 8501:8501 -v ipmd-data:/data \
#       -v "$PWD/secrets.toml:/home/ipmd/.streamlit/secrets.toml:ro" ipmd-dashboard
#
# Secrets are never in the image: sign-in and roles come from a secrets.toml mounted at run time at
# /home/ipmd/.streamlit/secrets.toml (Streamlit reads it there), the cookie secret from the
# environment (STREAMLIT_SERVER_COOKIE_SECRET). The database lives on the volume /data: the image
# ships the bundled data/ipmd.duckdb and deploy/entrypoint.sh copies it there on the first start,
# when the volume is empty; imports and their backups (/data/backups) then stay on the volume.
FROM python:3.11-slim

# tini: PID 1 that forwards SIGTERM to Streamlit and reaps children. Nothing else is needed at run
# time: the wheels bundle GDAL, PROJ and GEOS (pyogrio, pyproj, shapely) and DuckDB; the PDF brief
# takes its DejaVu fonts from matplotlib; the health check uses Python itself.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The pinned requirements without the tools used only by the tests, the benchmark and the manifests' checks.
COPY requirements.txt ./
RUN grep -vE '^(playwright|pytest|pytest-timeout|hypothesis|oidc-provider-mock|kubernetes-validate)==' \
        requirements.txt > /tmp/requirements-run.txt \
    && pip install -r /tmp/requirements-run.txt \
    && rm /tmp/requirements-run.txt

RUN groupadd --gid 10001 ipmd \
    && useradd --uid 10001 --gid ipmd --create-home --home-dir /home/ipmd --shell /usr/sbin/nologin ipmd \
    && mkdir -p /data /home/ipmd/.streamlit \
    && chown ipmd:ipmd /data /home/ipmd/.streamlit

COPY app.py ipmd_server.py ./
COPY .streamlit/config.toml .streamlit/config.toml
COPY components/ components/
COPY pages/ pages/
COPY ipmd/ ipmd/
COPY static/ static/
COPY data/ipmd.duckdb data/README.md data/
COPY deploy/entrypoint.sh /usr/local/bin/ipmd-entrypoint

ENV IPMD_DB=/data/ipmd.duckdb \
    IPMD_SEED_DB=/app/data/ipmd.duckdb

USER ipmd
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

ENTRYPOINT ["tini", "--", "ipmd-entrypoint"]
# ipmd_server.py: app.py as Streamlit serves it, plus the overview warmed in the background as the server starts
CMD ["python", "-m", "streamlit", "run", "ipmd_server.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.fileWatcherType=none"]
