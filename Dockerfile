# syntax=docker/dockerfile:1
# The Python base image; a site without Docker Hub passes its mirror's copy
# (`--build-arg PYTHON_IMAGE=registry.example/python:3.11-slim`, docs/operations.md).
ARG PYTHON_IMAGE=python:3.11-slim

# Build stage: compile the gettext catalogs and build the wheel the README installs.
FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
RUN pip install --no-cache-dir --upgrade pip build babel
COPY . .
RUN python -m tools.catalogs compile && python -m tools.catalogs check \
    && python -m build --wheel --outdir /dist

# Runtime stage: the same `pip install` as the README's quick start, as a non-root user.
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/summitwatch.db \
    SUMMITWATCH_HEALTH_LISTEN=0.0.0.0 SUMMITWATCH_HEALTH_PORT=8479
RUN useradd --create-home --uid 10001 summitwatch && mkdir /data && chown summitwatch /data
COPY --from=build /dist/*.whl /tmp/
# pip compiles the bytecode `summitwatch` commands run; `summitwatch run` runs under -OO
# (bot.runtime.optimized), whose bytecode is compiled here as well: the user cannot write
# it into the installed packages, and compiling at every start would cost seconds.
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl \
    && python -OO -m compileall -q "$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
USER summitwatch
WORKDIR /home/summitwatch
VOLUME ["/data"]
# 8443: PTB's webhook server (SUMMITWATCH_WEBHOOK_PORT); 8479: /healthz /readyz /metrics
# (SUMMITWATCH_HEALTH_PORT; outside a container the bot listens on loopback only, here on
# every address of the container so that Docker and Prometheus can reach it); 8480: the
# Mini App when SUMMITWATCH_WEBAPP_URL is set (SUMMITWATCH_WEBAPP_PORT).
EXPOSE 8443 8479 8480
# /healthz on the health port; Python's urllib, so the slim image needs no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SUMMITWATCH_HEALTH_PORT', '8479'), timeout=4)"]
ENTRYPOINT ["summitwatch"]
CMD ["run"]
