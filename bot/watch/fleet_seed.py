"""Seed the shipped fleet (`bot/data/fleet.csv`, from plane-alert-db) at start-up.

`fleet.json` beside it names the upstream commit, the as-of date and the licence and
carries the CSV's sha256, which is checked: a damaged package seeds nothing. The copy
is applied by `bot.watch.fleet` in one transaction, under the start-up lock, after the
people are seeded. What was applied is remembered (a digest of the file and of the
people's names), so an unchanged start skips the ~1,800 rows entirely; a newer copy
already applied by the refresh job is never replaced by an older shipped one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.watch.fleet import DATASET, FleetCopy, FleetOutcome, apply_fleet
from bot.watch.planealert import Entry, HeaderError, Problem, parse
from bot.watch.tag_names import name_index
from storage.datasets import dataset_state, save_dataset_state
from storage.models import Person
from storage.types import utcnow
from storage.watchlist import all_people


class FleetFileError(ValueError):
    """The shipped fleet file or its sidecar is missing, damaged or inconsistent."""


@dataclass(frozen=True)
class ShippedFleet:
    """The shipped file with what its sidecar says about it."""

    data: bytes
    commit: str
    as_of: str
    repository: str
    rows: int

    @property
    def source(self) -> str:
        """`aircraft.source` for its rows: the dataset, where, which commit, as of when.

        The credit (`watchlist_text.CREDIT`) goes in the footer of every listing that shows them.
        """
        return f"plane-alert-db, {self.repository} commit {self.commit[:12]}, as of {self.as_of}"


def default_path() -> Path:
    """The shipped `bot/data/fleet.csv`."""
    return Path(str(resources.files("bot").joinpath("data", "fleet.csv")))


def load_shipped(path: Path | None = None) -> ShippedFleet:
    """Read the CSV and its `.json` sidecar; the sidecar's sha256 must match."""
    csv_path = path or default_path()
    try:
        data = csv_path.read_bytes()
        meta = json.loads(csv_path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FleetFileError(
            f"{csv_path.name}: cannot read the fleet or its sidecar: {exc}"
        ) from exc
    if not isinstance(meta, dict) or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        raise FleetFileError(f"{csv_path.name}: does not match the sha256 in its sidecar")
    try:
        return ShippedFleet(
            data=data,
            commit=str(meta["commit"]),
            as_of=str(meta["as_of"]),
            repository=str(meta["repository"]),
            rows=int(meta["rows"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FleetFileError(f"{csv_path.name}: sidecar lacks {exc}") from exc


def parse_all(data: bytes, origin: str) -> list[Entry]:
    """Every row of a copy, or `FleetFileError` naming each bad line: all or nothing."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    try:
        for item in parse(data.splitlines(keepends=True)):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                entries.append(item)
    except HeaderError as exc:
        raise FleetFileError(f"{origin}: {exc}; nothing imported") from exc
    if problems:
        shown = "; ".join(f"line {p.line}: {p.detail}" for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise FleetFileError(
            f"{origin}: {len(problems)} bad lines, nothing imported: {shown}{more}"
        )
    return entries


def digest(data: bytes, people: list[Person]) -> str:
    """What an import depends on: the file and the people names it is matched against."""
    names = json.dumps(sorted(name_index(people).items()), ensure_ascii=False)
    return hashlib.sha256(data + b"\0" + names.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FleetSeedReport:
    """What seeding did; `outcome` is None when it was skipped (nothing to do)."""

    outcome: FleetOutcome | None


async def seed_fleet(
    sessions: async_sessionmaker[AsyncSession], path: Path | None = None
) -> FleetSeedReport:
    """Apply the shipped fleet unless this copy (or a newer one) is already applied."""
    shipped = load_shipped(path)
    now = utcnow()
    async with sessions.begin() as session:
        people = await all_people(session)
        wanted = digest(shipped.data, people)
        state = await dataset_state(session, DATASET)
        if state is not None and (state.digest == wanted or (state.as_of or "") > shipped.as_of):
            return FleetSeedReport(None)
        copy = FleetCopy(
            # Parsed only now: an unchanged restart needs the digest, not the rows.
            entries=parse_all(shipped.data, "fleet.csv"),
            as_of=shipped.as_of,
            source=shipped.source,
            provenance={"dataset": DATASET, "commit": shipped.commit, "as_of": shipped.as_of},
            complete=True,
        )
        outcome = await apply_fleet(session, copy, now=now)
        await save_dataset_state(
            session,
            DATASET,
            digest=wanted,
            as_of=shipped.as_of,
            etag=None,
            last_modified=None,
            applied_at=now,
        )
    return FleetSeedReport(outcome)
