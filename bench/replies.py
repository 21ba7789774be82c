"""bench/replies: how soon a user's commands are answered in one private chat.

The real bot runs as a `summitwatch run` process against the fake Bot API (in this
process, Telegram's flood control on). Two patterns, each in its own private chat:

* burst: five commands sent at once; the time from sending to each reply, the fifth
  of the burst being the one the per-chat second held back longest;
* in a row: twenty commands, each sent once the previous one is answered.

A latency is measured on the fake's clock, from the moment the command is queued for
the bot's long poll to the moment the fake accepts the reply. With `--before REV` the
same runs go first against a work tree of REV and then against this tree (or
`--after REV`), both with this tree's fake, so the two sides share the machine's load.

    python -m bench.replies --before 970a52c~1 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.bot_process import add_side_options, bot_process, trees
from tests.fakes.telegram_api import FakeBotAPI

TOKEN = "700701:BENCH-replies-token"  # noqa: S105  (accepted only by the local fake)
COMMAND = "/help"
BURST = 5
IN_A_ROW = 20


@dataclass
class Latencies:
    """Seconds from command to reply, per pattern, over all rounds."""

    burst: list[list[float]] = field(default_factory=list)  # one list of BURST per round
    in_a_row: list[float] = field(default_factory=list)
    refused_429: int = 0


async def _burst(fake: FakeBotAPI, chat: int) -> list[float]:
    sent_at = fake.clock()
    for _ in range(BURST):
        fake.user_message(chat, COMMAND, language_code="en")
    replies = await fake.wait_for_messages(chat, BURST, timeout=60)
    return [reply.at - sent_at for reply in replies]


async def _in_a_row(fake: FakeBotAPI, chat: int) -> list[float]:
    latencies = []
    for n in range(1, IN_A_ROW + 1):
        sent_at = fake.clock()
        fake.user_message(chat, COMMAND, language_code="en")
        replies = await fake.wait_for_messages(chat, n, timeout=60)
        latencies.append(replies[-1].at - sent_at)
    return latencies


async def measure(tree: Path, rounds: int, result: Latencies) -> None:
    """One bot process of `tree`: a warm-up command, then `rounds` of both patterns."""
    async with FakeBotAPI(token=TOKEN) as fake:
        with tempfile.TemporaryDirectory(prefix="bench-replies-") as folder:
            # No fleet seed: /help never reads it, and it only slows each start.
            env = {"SUMMITWATCH_FLEET_SEED": "false"}
            async with bot_process(fake, Path(folder), tree=tree, env=env):
                fake.user_message(1, COMMAND, language_code="en")
                await fake.wait_for_messages(1, 1, timeout=60)
                for number in range(rounds):
                    result.burst.append(await _burst(fake, 1000 + number))
                    result.in_a_row.extend(await _in_a_row(fake, 2000 + number))
        result.refused_429 += fake.count("sendMessage", 429)


def report(label: str, result: Latencies) -> None:
    fifth = [round_[-1] for round_ in result.burst]
    by_place = [statistics.median(r[i] for r in result.burst) for i in range(BURST)]
    row = sorted(result.in_a_row)
    print(f"## {label}")
    print(
        f"burst of {BURST} ({len(result.burst)} rounds): median by place "
        + ", ".join(f"{s * 1000:.0f}" for s in by_place)
        + f" ms; 5th of the burst median {statistics.median(fifth) * 1000:.0f} ms, "
        f"worst {max(fifth) * 1000:.0f} ms"
    )
    print(
        f"{IN_A_ROW} in a row ({len(row)} commands): median {statistics.median(row) * 1000:.0f} ms"
        f", p90 {row[int(0.9 * (len(row) - 1))] * 1000:.0f} ms, max {row[-1] * 1000:.0f} ms"
    )
    every = sorted([*row, *(s for r in result.burst for s in r)])
    print(
        f"all {len(every)} replies: median {statistics.median(every) * 1000:.0f} ms; "
        f"429s {result.refused_429}"
    )


async def run(before: str | None, after: str | None, rounds: int) -> None:
    with trees(before, after) as sides:
        results = {label: Latencies() for label, _ in sides}
        # A fresh bot per round, the sides alternating, so load drifts hit both alike.
        for _ in range(rounds):
            for label, tree in sides:
                await measure(tree, 1, results[label])
    for label, result in results.items():
        report(label, result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_side_options(parser)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.before, args.after, args.rounds))


if __name__ == "__main__":
    main()
