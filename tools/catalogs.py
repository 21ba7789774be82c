"""Maintain the gettext catalogs: `python -m tools.catalogs update|compile|check`.

update  extract messages into locales/messages.pot and merge them into every .po
compile write the .mo files next to the .po files (they are committed, so a plain
        `pip install` ships them)
check   fail when a .po is out of date, has untranslated or fuzzy entries, or
        when a .mo does not match its .po
translate FILE.json
        update, fill translations from FILE ({"msgid": {"ru": "...", "az": [...]}},
        a list for plural forms), then compile; under a file lock so that several
        people (or agents) working in one tree do not overwrite each other
"""

from __future__ import annotations

import fcntl
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"
POT = LOCALES_DIR / "messages.pot"
LOCALES = ("en", "ru", "az")
SOURCE_LOCALE = "en"
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None}
SOURCE_DIRS = ("bot", "handlers")


def po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every message marked in the source, as a template."""
    catalog = Catalog(project="summitwatch", version="0.1", charset="utf-8")
    for folder in SOURCE_DIRS:
        found = extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            catalog.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # No locations and no dates: the files change only when a message does.
    write_po(buffer, catalog, omit_header=False, no_location=True, sort_output=True, width=88)
    text = b"\n".join(
        line
        for line in buffer.getvalue().split(b"\n")
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))
    )
    path.write_bytes(text)


def _read_po(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=locale)


def update() -> None:
    _write(extract(), POT)
    for locale in LOCALES:
        # A fresh template each time: Catalog.update shares Message objects with it.
        template = extract()
        path = po_path(locale)
        catalog = (
            _read_po(path, locale)
            if path.exists()
            else Catalog(locale=locale, project="summitwatch", version="0.1", fuzzy=False)
        )
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if locale == SOURCE_LOCALE:
            _mirror_source(catalog)
        _write(catalog, path)


def _mirror_source(catalog: Catalog) -> None:
    """English is the source language: its catalog repeats each msgid it does not reword."""
    for message in catalog:
        if not message.id or _translated(message):
            continue
        message.string = message.id


def compile_all() -> None:
    for locale in LOCALES:
        catalog = _read_po(po_path(locale), locale)
        with po_path(locale).with_suffix(".mo").open("wb") as fp:
            write_mo(fp, catalog, use_fuzzy=False)


def _ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def problems() -> Iterator[str]:
    """Everything that makes the catalogs unfit to ship."""
    template_ids = _ids(extract())
    for locale in LOCALES:
        path = po_path(locale)
        if not path.exists():
            yield f"{locale}: {path} is missing"
            continue
        catalog = _read_po(path, locale)
        ids = _ids(catalog)
        for missing in sorted(map(str, template_ids - ids)):
            yield f"{locale}: not in the .po (run update): {missing!r}"
        for extra in sorted(map(str, ids - template_ids)):
            yield f"{locale}: no longer in the source (run update): {extra!r}"
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy:
                yield f"{locale}: fuzzy: {message.id!r}"
            if not _translated(message):
                yield f"{locale}: untranslated: {message.id!r}"
        yield from _mo_problems(locale, catalog)


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _mo_problems(locale: str, catalog: Catalog) -> Iterator[str]:
    mo = po_path(locale).with_suffix(".mo")
    if not mo.exists():
        yield f"{locale}: {mo.name} is missing (run compile)"
        return
    with mo.open("rb") as fp:
        compiled = read_mo(fp)
    want = {_key(m.id): _key(m.string) for m in catalog if m.id and not m.fuzzy}
    have = {_key(m.id): _key(m.string) for m in compiled if m.id}
    if want != have:
        yield f"{locale}: {mo.name} does not match the .po (run compile)"


def _key(value: object) -> object:
    # read_mo gives plural forms as lists, read_po as tuples.
    return tuple(value) if isinstance(value, list | tuple) else value


def translate(path: Path) -> list[str]:
    """Fill translations from a JSON file; returns the msgids it did not find."""
    wanted: dict[str, dict[str, str | list[str]]] = json.loads(path.read_text("utf-8"))
    with (LOCALES_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        update()
        unknown: set[str] = set()
        for locale in LOCALES:
            catalog = _read_po(po_path(locale), locale)
            for msgid, by_locale in wanted.items():
                if locale not in by_locale:
                    continue
                message = catalog.get(msgid)
                if message is None:
                    unknown.add(msgid)
                    continue
                text = by_locale[locale]
                message.string = tuple(text) if isinstance(text, list) else text
                message.flags.discard("fuzzy")
            _write(catalog, po_path(locale))
        compile_all()
    return sorted(unknown)


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "check"
    if action == "update":
        update()
    elif action == "compile":
        compile_all()
    elif action == "translate" and len(argv) > 2:
        for msgid in translate(Path(argv[2])):
            print(f"not in the source: {msgid!r}")
    elif action == "check":
        found = list(problems())
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
