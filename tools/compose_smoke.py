"""Run compose.yaml as an operator would and check the stack end to end.

Needs a Docker engine and docker-compose. The stack is the shipped compose.yaml,
unchanged, in a scratch project directory with its own `.env` (the repository's `.env`
is never touched); an override file only adds what a machine without Telegram needs:
the bots reach a fake Bot API on this host (`TELEGRAM_API_BASE_URL`, through
`host.docker.internal`) and, where Docker Hub is out of reach, `--postgres-image` and
`--caddy-image` name local stand-ins for `postgres:16` and `caddy:2`.
`PUBLIC_HOST=localhost` makes Caddy serve HTTPS with its own local CA (no ACME).

Checked, each printed with its result:
1. `migrate` brings the schema up and exits 0; both replicas turn healthy;
2. the replicas registered the webhook (`setWebhook` with the public URL and secret);
3. exactly one replica leads (polls the sources);
4. updates POSTed to the public HTTPS URL with the secret are all answered, and Caddy
   spread them over both replicas; a POST without the secret is refused (403);
5. after a SIGKILL of the leader's container, the other replica takes the lead;
6. `docker-compose stop` stops the other services cleanly (exit code 0).

    python -m tools.compose_smoke [--postgres-image IMG] [--caddy-image IMG]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import socket
import ssl
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.telegram_api import FakeBotAPI
from tools.smoke import run_async, step

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "434343:SMOKE-compose-token"  # noqa: S105  (accepted only by the local fake)
PROJECT = "summitwatch-smoke"
REPLICAS = ("bot-1", "bot-2")
UPDATES = 40
FIRST_CHAT = 7_000_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))  # noqa: S104  (the relay listens there, see _relay)
        port: int = probe.getsockname()[1]
        return port


class Stack:
    """docker-compose on the shipped compose.yaml in a scratch project directory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _command(self, *args: str) -> list[str]:
        files = ["-f", str(self.folder / "compose.yaml"), "-f", str(self.folder / "override.yaml")]
        return ["docker-compose", "-p", PROJECT, *files, *args]

    async def run(self, *args: str, limit_s: float = 900) -> str:
        """docker-compose with these arguments, off the event loop."""
        return await run_async(self._command(*args), cwd=self.folder, limit_s=limit_s)

    async def container(self, service: str) -> str:
        return (await self.run("ps", "-q", service)).strip()

    async def inspect(self, service: str, template: str) -> str:
        container = await self.container(service)
        return (await run_async(["docker", "inspect", "-f", template, container])).strip()

    async def metrics(self, service: str) -> dict[str, float]:
        """The replica's own /metrics, read inside its container (the port is not published)."""
        script = (
            "import os, urllib.request;"
            "port = os.environ['SUMMITWATCH_HEALTH_PORT'];"
            "print(urllib.request.urlopen(f'http://127.0.0.1:{port}/metrics').read().decode())"
        )
        text = await self.run("exec", "-T", service, "python", "-c", script)
        values: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:  # every label set of a metric added up
                values[sample.name] = values.get(sample.name, 0.0) + sample.value
        return values


def _prepare(folder: Path, api_port: int, args: argparse.Namespace) -> str:
    shutil.copy(ROOT / "compose.yaml", folder / "compose.yaml")
    secret = secrets.token_urlsafe(24)
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "SUMMITWATCH_WEBHOOK_SECRET": secret,
        "SUMMITWATCH_ADMIN_IDS": "",
        "SUMMITWATCH_DEFAULT_LOCALE": "en",
        "PUBLIC_HOST": "localhost",
        "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
        "TELEGRAM_API_BASE_URL": f"http://host.docker.internal:{api_port}/bot",
    }
    (folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    bot = {
        "build": {"context": str(ROOT), "args": {"PYTHON_IMAGE": args.python_image}}
        if args.python_image
        else str(ROOT),
        "extra_hosts": ["host.docker.internal:host-gateway"],
    }
    services: dict[str, object] = {name: bot for name in ("migrate", *REPLICAS)}
    if args.postgres_image:
        services["postgres"] = {"image": args.postgres_image}
    if args.caddy_image:
        services["proxy"] = {"image": args.caddy_image}
    # JSON is YAML: no YAML writer needed for the override.
    (folder / "override.yaml").write_text(json.dumps({"services": services}))
    return secret


async def _relay(api_port: int, fake_port: int) -> web.AppRunner:
    """Expose the fake (bound to 127.0.0.1) to the containers on the Docker gateway."""

    async def forward(request: web.Request) -> web.Response:
        async with (
            aiohttp.ClientSession() as http,
            http.request(
                request.method,
                f"http://127.0.0.1:{fake_port}{request.path_qs}",
                data=await request.read(),
                headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            ) as answer,
        ):
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                content_type=answer.content_type,
            )

    app = web.Application(client_max_size=64 * 1024**2)
    app.router.add_route("*", "/{tail:.*}", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    # The containers reach this host through the bridge gateway, not its loopback.
    await web.TCPSite(runner, "0.0.0.0", api_port).start()  # noqa: S104
    return runner


async def _post_updates(secret: str) -> tuple[dict[int, int], int]:
    """UPDATES /help updates to the public URL, and one without the secret."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # Caddy's local CA for "localhost"
    statuses: dict[int, int] = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as http:
        for i in range(UPDATES):
            chat = FIRST_CHAT + i
            update = {
                "update_id": i + 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "private", "first_name": "Smoke"},
                    "from": {"id": chat, "is_bot": False, "first_name": "Smoke"},
                    "text": "/help",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
            async with http.post("https://localhost/telegram", json=update, headers=headers) as r:
                statuses[r.status] = statuses.get(r.status, 0) + 1
        async with http.post("https://localhost/telegram", json={"update_id": 0}) as refused:
            return statuses, refused.status


async def check(args: argparse.Namespace) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="summitwatch-compose-"))
    stack = Stack(folder)
    async with FakeBotAPI(token=TOKEN) as fake:
        api_port = _free_port()
        relay = await _relay(api_port, fake.port)
        secret = _prepare(folder, api_port, args)
        try:
            return await _check_stack(stack, fake, secret)
        finally:
            stopped = await stack.run("ps", "-q")
            await stack.run("down", "-v", "--remove-orphans")
            await relay.cleanup()
            print(f"     (project folder {folder}; {len(stopped.split())} containers removed)")


async def _check_stack(stack: Stack, fake: FakeBotAPI, secret: str) -> bool:
    started = time.monotonic()
    await stack.run("up", "-d", "--build", limit_s=1800)
    migrated = await stack.inspect("migrate", "{{.State.Status}} {{.State.ExitCode}}")
    ok = step("migrate", migrated == "exited 0", migrated)
    health = {}
    while time.monotonic() - started < 240:
        health = {s: await stack.inspect(s, "{{.State.Health.Status}}") for s in REPLICAS}
        if all(h != "starting" for h in health.values()):
            break
        await asyncio.sleep(2)
    took = time.monotonic() - started
    ok &= step("replicas healthy", set(health.values()) == {"healthy"}, f"{health}, {took:.0f} s")
    hook = fake.webhook or {}
    ok &= step(
        "setWebhook",
        hook.get("url") == "https://localhost/telegram" and hook.get("secret_token") == secret,
        str(hook.get("url")),
    )
    leaders = {s: (await stack.metrics(s)).get("summitwatch_leader", 0.0) for s in REPLICAS}
    ok &= step("one leader", sorted(leaders.values()) == [0.0, 1.0], str(leaders))
    before = {s: (await stack.metrics(s)).get("summitwatch_updates_total", 0.0) for s in REPLICAS}
    statuses, refused = await _post_updates(secret)
    answered = True
    try:
        await fake.wait_until(
            lambda: len({s.chat_id for s in fake.sent if s.method == "sendMessage"}) >= UPDATES,
            timeout=60,
        )
    except TimeoutError:
        answered = False
    ok &= step("updates answered", statuses == {200: UPDATES} and answered, str(statuses))
    after = {s: (await stack.metrics(s)).get("summitwatch_updates_total", 0.0) for s in REPLICAS}
    spread = {s: int(after[s] - before[s]) for s in REPLICAS}
    ok &= step("spread over replicas", all(spread.values()), str(spread))
    ok &= step("no secret refused", refused == 403, str(refused))
    ok &= await _failover(stack, leaders)
    await stack.run("stop", "-t", "30")
    codes = {s: await stack.inspect(s, "{{.State.ExitCode}}") for s in REPLICAS}
    codes["postgres"] = await stack.inspect("postgres", "{{.State.ExitCode}}")
    # The killed leader's 137 is what a SIGKILL leaves; the rest must stop cleanly.
    ok &= step("clean stop", sorted(codes.values()) == ["0", "0", "137"], str(codes))
    return ok


async def _failover(stack: Stack, leaders: dict[str, float]) -> bool:
    """SIGKILL the leader's container; the other replica must take the lead."""
    [leader] = [s for s, value in leaders.items() if value == 1.0]
    [follower] = [s for s in REPLICAS if s != leader]
    killed = time.monotonic()
    await stack.run("kill", "-s", "SIGKILL", leader)
    while time.monotonic() - killed < 60:
        if (await stack.metrics(follower)).get("summitwatch_leader") == 1.0:
            took = time.monotonic() - killed
            return step(
                "failover", True, f"{follower} leads {took:.1f} s after kill -9 of {leader}"
            )
        await asyncio.sleep(0.5)
    return step("failover", False, f"{follower} did not take the lead within 60 s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--python-image", help="PYTHON_IMAGE build argument for the bot image")
    parser.add_argument("--postgres-image", help="stand-in for postgres:16")
    parser.add_argument("--caddy-image", help="stand-in for caddy:2")
    args = parser.parse_args(argv)
    ok = asyncio.run(check(args))
    print("all checks passed" if ok else "some checks failed", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
