"""Refuse XML that declares entities, before feedparser sees it.

Finding (feedparser 6.0.x, checked against the payloads in
tests/data/statements/): feedparser is *not* safe by itself.
- It parses with `xml.sax` over expat, with namespaces on and
  `feature_external_ges` off, so external entities (XXE, `SYSTEM
  "file:///etc/passwd"`) are not fetched: the reference expands to nothing.
- Against entity expansion it relies on a regular expression
  (`sanitizer.replace_doctype`) that removes `<!ENTITY>` lines from the part of
  the document before the first `<` + letter. An entity whose value contains
  markup (`<!ENTITY x "<b>">`) ends that part early, every later declaration
  reaches expat, and expat expands them: a 1 KB document became a 300,000-
  character title in our test. Expat ≥ 2.4 stops "billion laughs" only once
  the expansion passes its amplification threshold (8 MiB by default), so
  a body within our size cap can still cost ~100x its size in memory and CPU.
So every body goes through `entity_problem` first: defusedxml's expat reader
with entity declarations forbidden (internal and external ones alike, general
and parameter), stopped at the root element (a DTD can only come before it, so
the check costs a few hundred bytes of parsing, not the whole feed). Real RSS
and Atom feeds declare no entities; one that does is refused as a whole.
An external DTD *subset* (RSS 0.91's `<!DOCTYPE rss PUBLIC "-//Netscape
Communications//DTD RSS 0.91//EN" "http://my.netscape.com/...">`) is allowed:
neither this check nor feedparser fetches it (external entities are off in
both), and refusing it would refuse legitimate old feeds.
"""

from __future__ import annotations

import io
import xml.sax
import xml.sax.handler
import xml.sax.xmlreader
from typing import Any


class _RootReached(Exception):
    """The prolog is over: no entity can be declared after this point."""


class _StopAtRoot(xml.sax.handler.ContentHandler):
    """Stops the parse at the first element (SAX method names are camelCase)."""

    def startElement(self, name: str, attrs: Any) -> None:
        raise _RootReached

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        raise _RootReached


def entity_problem(data: bytes) -> str | None:
    """Why an XML document must not be parsed, or None when it is safe.

    Args:
        data: the document (UTF-8 after `encoding.decode_body`).

    Returns:
        A one-line reason when the document declares entities (or its prolog
        is too broken to tell and mentions `<!ENTITY`), else None.
    """
    # Imported here: only the statement poller reads XML (issue 13: idle memory).
    from defusedxml import DefusedXmlException, expatreader  # type: ignore[import-untyped]

    parser = expatreader.create_parser(
        forbid_dtd=False, forbid_entities=True, forbid_external=False
    )
    parser.setContentHandler(_StopAtRoot())
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except _RootReached:
        return None
    except DefusedXmlException as exc:
        return f"the document declares XML entities ({exc}); refused"
    except xml.sax.SAXException:
        # A prolog expat cannot read: feedparser falls back to its lenient
        # parser then, so refuse only when an entity declaration is in sight.
        if b"<!entity" in data.lower():
            return "broken XML prolog with entity declarations; refused"
    return None
