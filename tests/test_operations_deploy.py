"""Packaging for deployment: the Dockerfile, compose.yaml and .env.example agree with the code.

There is no container engine here, so the files are read as data: the Dockerfile's
HEALTHCHECK command is run against the real health endpoint, and compose's
variables are checked against the settings summitwatch actually reads.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.kernel.config import Settings, load_settings
from bot.runtime.health import HealthServer
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
ALIASES = {str(f.validation_alias) for f in Settings.model_fields.values() if f.validation_alias}
# Read by compose itself (interpolation), never by summitwatch.
COMPOSE_ONLY = {"PUBLIC_HOST", "POSTGRES_PASSWORD"}
BOTS = ("bot-1", "bot-2")


def _dockerfile() -> list[str]:
    """Instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _stages() -> list[list[str]]:
    stages: list[list[str]] = []
    for line in _dockerfile():
        if line.startswith("FROM "):
            stages.append([])
        if stages:  # lines before the first FROM are global ARGs
            stages[-1].append(line)
    return stages


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def _interpolate(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)(:\?[^}]*)?\}", lambda m: env[m.group(1)], value)


def test_build_stage_compiles_catalogs_and_builds_the_wheel() -> None:
    build, runtime = _stages()
    assert build[0].endswith(" AS build")
    build_text = " ".join(build)
    assert "python -m tools.catalogs compile" in build_text
    assert "python -m build --wheel" in build_text
    assert any("COPY --from=build /dist/" in line for line in runtime)
    assert "tools.catalogs" not in " ".join(runtime)


def test_runtime_is_slim_non_root_and_exposes_the_configured_ports() -> None:
    runtime = _stages()[1]
    assert runtime[0] == "FROM ${PYTHON_IMAGE}"
    [base] = [line for line in _dockerfile() if line.startswith("ARG PYTHON_IMAGE=")]
    assert base == "ARG PYTHON_IMAGE=python:3.11-slim"
    [user] = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert user not in ("root", "0")
    order = [line.split()[0] for line in runtime]
    assert order.index("USER") < order.index("ENTRYPOINT")
    [expose] = [line.split()[1:] for line in runtime if line.startswith("EXPOSE ")]
    defaults = Settings.model_fields
    assert set(expose) == {
        str(defaults["webhook_port"].default),
        str(defaults["health_port"].default),
        str(defaults["webapp_port"].default),
    }
    env_line = next(line for line in runtime if line.startswith("ENV "))
    assert f"SUMMITWATCH_HEALTH_PORT={defaults['health_port'].default}" in env_line
    # Loopback is the default outside containers; the image listens on all its addresses.
    assert defaults["health_listen"].default == "127.0.0.1"
    assert "SUMMITWATCH_HEALTH_LISTEN=0.0.0.0" in env_line


def _healthcheck_command() -> list[str]:
    [line] = [line for line in _stages()[1] if line.startswith("HEALTHCHECK ")]
    command = json.loads(line[line.index("CMD ") + 4 :])
    assert isinstance(command, list)
    return [str(part) for part in command]


async def _exit_status(command: list[str], port: int) -> int:
    assert command[0] == "python"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *command[1:],
        env={"SUMMITWATCH_HEALTH_PORT": str(port)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), timeout=30)


async def test_the_healthcheck_command_passes_on_healthz_and_fails_without_it(
    sqlite_url: str,
) -> None:
    command = _healthcheck_command()
    assert "/healthz" in command[-1]
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    server = HealthServer(engine=engine, sessions=session_factory(engine), silence_s=60)
    port = await server.start("127.0.0.1", 0)
    try:
        assert await _exit_status(command, port) == 0
    finally:
        await server.stop()
        await engine.dispose()
    assert await _exit_status(command, port) != 0


def test_compose_runs_postgres_a_migration_two_webhook_replicas_and_a_proxy() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "migrate", *BOTS, "proxy"}
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert set(services["migrate"]["depends_on"]) == {"postgres"}
    for name in BOTS:
        bot = services[name]
        assert bot["command"] == ["run", "--webhook"]
        assert bot["env_file"] == ".env"
        assert bot["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert bot["depends_on"]["postgres"] == {"condition": "service_healthy"}
        health = bot["healthcheck"]["test"][-1]
        assert bot["environment"]["SUMMITWATCH_HEALTH_LISTEN"] == "0.0.0.0"  # noqa: S104
        assert f":{bot['environment']['SUMMITWATCH_HEALTH_PORT']}/healthz" in health
    proxy = services["proxy"]
    assert proxy["command"][:2] == ["caddy", "run"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    # The webhook and the Mini App, each spread over every replica at its own port.
    upstreams = re.findall(r"reverse_proxy ([^{]+) \{", caddyfile)
    for port_variable in ("SUMMITWATCH_WEBHOOK_PORT", "SUMMITWATCH_WEBAPP_PORT"):
        wanted = " ".join(f"{name}:{services[name]['environment'][port_variable]}" for name in BOTS)
        assert wanted in [u.strip() for u in upstreams]
    assert "handle_path /app/*" in caddyfile
    assert services["bot-1"]["environment"]["SUMMITWATCH_WEBAPP_URL"].endswith("/app/")
    assert {d: c["condition"] for d, c in proxy["depends_on"].items()} == dict.fromkeys(
        BOTS, "service_healthy"
    )


def test_every_variable_in_compose_and_env_example_is_one_summitwatch_reads() -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"\$\{(\w+)", text))
    assert interpolated <= COMPOSE_ONLY
    environment = _compose()["services"]["bot-1"]["environment"]
    assert set(environment) <= ALIASES
    example = _env_example()
    assert set(example) - COMPOSE_ONLY <= ALIASES
    assert COMPOSE_ONLY | {"TELEGRAM_BOT_TOKEN", "SUMMITWATCH_WEBHOOK_SECRET"} <= set(example)


def test_a_replica_with_the_example_values_has_valid_webhook_settings() -> None:
    example = _env_example()
    environment = _compose()["services"]["bot-1"]["environment"]
    values = {k: v for k, v in example.items() if k not in COMPOSE_ONLY}
    values.update({k: _interpolate(str(v), example) for k, v in environment.items()})
    settings = load_settings(**values)
    url, _secret = settings.webhook()
    assert url == f"https://{example['PUBLIC_HOST']}/telegram"
    assert settings.database_url.startswith("postgresql+asyncpg://summitwatch:")
    assert settings.database_url.endswith("@postgres:5432/summitwatch")
    assert settings.log_format == "json"


def test_readme_points_to_compose_and_operations() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/operations.md" in readme
    assert "docker compose up" in readme


def test_operations_guide_lists_exactly_the_variables_summitwatch_reads() -> None:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    table = text[text.index("## Configuration") :]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE))
    assert listed == ALIASES
