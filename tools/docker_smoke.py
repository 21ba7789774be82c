"""Build the Docker image and check it the way an operator would meet it.

Needs a Docker engine (the development machines have none by default; see
docs/operations.md for the run recorded there). Steps, each printed with its result:

1. build the image from the Dockerfile (`--base` passes `PYTHON_IMAGE`, for a site
   that takes its Python image from a mirror);
2. the container runs as a non-root user;
3. `summitwatch demo` runs with no network at all (`--network none`);
4. `summitwatch run` against the fake Bot API on this host: Docker's HEALTHCHECK turns
   the container healthy, `/readyz` answers 200, a /start sent through the fake is
   answered, and `docker stop` ends the bot cleanly (exit code 0).

    python -m tools.docker_smoke [--base IMAGE] [--tag summitwatch:smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp

from tests.fakes.telegram_api import FakeBotAPI
from tests.webhook_bots import free_port
from tools.smoke import run, run_async, step

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:SMOKE-docker-token"  # noqa: S105  (accepted only by the local fake)
CHAT = 4242


def _docker(*args: str, check: bool = True, timeout: float = 600) -> str:
    return run(["docker", *args], check=check, timeout=timeout)


async def _docker_async(*args: str, check: bool = True) -> str:
    return await run_async(["docker", *args], check=check)


def build(tag: str, base: str | None) -> bool:
    """Step 1: `docker build`; the time it took."""
    started = time.monotonic()
    args = ["build", "--network", "host", "-t", tag]
    if base:
        args += ["--build-arg", f"PYTHON_IMAGE={base}"]
    _docker(*args, str(ROOT), timeout=1800)
    size = _docker("image", "inspect", "-f", "{{.Size}}", tag).strip()
    elapsed = time.monotonic() - started
    return step("build", True, f"{tag}, {int(size) / 1e6:.0f} MB, {elapsed:.0f} s")


def runs_as_non_root(tag: str) -> bool:
    """Step 2: the runtime user."""
    uid = _docker("run", "--rm", "--entrypoint", "id", tag, "-u").strip()
    return step("non-root", uid not in ("", "0"), f"uid {uid}")


def demo_offline(tag: str) -> bool:
    """Step 3: the README's first command, inside the image, without a network."""
    output = _docker("run", "--rm", "--network", "none", tag, "demo", timeout=300)
    ok = "05:30" in output and "01:54" in output
    return step("demo without network", ok, f"{len(output.splitlines())} lines of alerts")


async def serves_telegram(tag: str) -> bool:
    """Step 4: a real `run` in the container, against the fake on this host."""
    health_port = free_port()
    async with FakeBotAPI(token=TOKEN) as fake:
        started = await _docker_async(
            "run",
            "-d",
            "--network",
            "host",
            "--health-interval",
            "2s",
            "--health-start-period",
            "5s",
            "-e",
            f"TELEGRAM_BOT_TOKEN={TOKEN}",
            "-e",
            f"TELEGRAM_API_BASE_URL={fake.base_url}",
            "-e",
            f"SUMMITWATCH_HEALTH_PORT={health_port}",
            "-e",
            "SUMMITWATCH_HEALTH_LISTEN=127.0.0.1",
            tag,
            "run",
        )
        container = started.strip()
        try:
            return await _check_running(container, fake, health_port)
        finally:
            await _docker_async("rm", "-f", container, check=False)


async def _check_running(container: str, fake: FakeBotAPI, health_port: int) -> bool:
    started = time.monotonic()
    status = ""
    while time.monotonic() - started < 90:
        health = await _docker_async("inspect", "-f", "{{.State.Health.Status}}", container)
        status = health.strip()
        if status in ("healthy", "unhealthy"):
            break
        await asyncio.sleep(1)
    ok = step(
        "HEALTHCHECK", status == "healthy", f"{status} after {time.monotonic() - started:.0f} s"
    )
    ok &= await _ready(health_port)
    fake.user_message(CHAT, "/start")
    [reply] = await fake.wait_for_messages(CHAT, 1, timeout=30)
    text = reply.plain_text or ""
    ok &= step("/start answered", text.startswith("Hello"), text.splitlines()[0][:60])
    stopped = time.monotonic()
    # In a thread: the fake in this event loop must answer the bot while it stops.
    await _docker_async("stop", "-t", "20", container)
    exited = await _docker_async("inspect", "-f", "{{.State.ExitCode}}", container)
    code = exited.strip()
    took = time.monotonic() - stopped
    ok &= step("docker stop", code == "0", f"exit code {code} after {took:.1f} s")
    return ok


async def _ready(health_port: int) -> bool:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{health_port}/readyz") as ready,
    ):
        status = ready.status
        problems = [str(p) for p in (await ready.json(content_type=None))["problems"]]
    # Without internet every shipped statement source fails, and /readyz must say so;
    # what this check vouches for is the rest: the store and the schema.
    others = [p for p in problems if not p.startswith("source ")]
    unreachable = len(problems) - len(others)
    detail = f"{status}: {others}" if others else f"{status}: store and schema ready"
    if unreachable:
        detail += f"; {unreachable} statement sources unreachable from here"
    return step("/readyz", not others, detail)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--base", help="PYTHON_IMAGE build argument (default: the Dockerfile's)")
    parser.add_argument("--tag", default="summitwatch:smoke")
    args = parser.parse_args(argv)
    ok = build(args.tag, args.base)
    ok &= runs_as_non_root(args.tag)
    ok &= demo_offline(args.tag)
    ok &= asyncio.run(serves_telegram(args.tag))
    print("all checks passed" if ok else "some checks failed", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
