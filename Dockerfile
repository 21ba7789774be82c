# syntax=docker/dockerfile:1
# Build stage: compile the gettext catalogs and build the wheel the README installs.
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir --upgrade pip build babel
COPY . .
RUN python -m tools.catalogs compile && python -m tools.catalogs check \
    && python -m build --wheel --outdir /dist

# Runtime stage: the same `pip install` as the README's quick start, as a non-root user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/summitwatch.db
RUN useradd --create-home --uid 10001 summitwatch && mkdir /data && chown summitwatch /data
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER summitwatch
WORKDIR /home/summitwatch
VOLUME ["/data"]
ENTRYPOINT ["summitwatch"]
CMD ["run"]
