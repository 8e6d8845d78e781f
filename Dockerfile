# Gaung on the official Airflow image: the scheduler, API server, DAG processor, triggerer and workers of
# docker-compose.yml all run this image. Build: docker-compose build (or docker build -t gaung-airflow .).
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11
ARG AIRFLOW_VERSION

# Chromium and pdftoppm render the weekly PDF reports; Noto covers Indonesian text and emoji.
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium poppler-utils fonts-noto-core fonts-noto-color-emoji \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
USER airflow

# torch first, the CPU build (no CUDA libraries in the image); then Gaung held to constraints.txt, with
# Airflow pinned to the image's version so pip never moves it.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY --chown=airflow:0 pyproject.toml constraints.txt README.md LICENSE /opt/gaung-src/
COPY --chown=airflow:0 pipelines /opt/gaung-src/pipelines
COPY --chown=airflow:0 warehouse /opt/gaung-src/warehouse
RUN pip install --no-cache-dir -c /opt/gaung-src/constraints.txt "apache-airflow==${AIRFLOW_VERSION}" "/opt/gaung-src[ml]"
COPY --chown=airflow:0 dags /opt/airflow/dags

ENV GAUNG_HOME=/opt/gaung \
    HF_HUB_OFFLINE=1
