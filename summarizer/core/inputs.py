"""Turning files, bytes and strings into :class:`~summarizer.core.document.Document` — or a clear
:class:`~summarizer.core.errors.BadInputError` before any model call."""

from __future__ import annotations

import codecs
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from .document import Document
from .errors import BadInputError

__all__ = [
    "check_text", "decode_bytes", "extract_html", "looks_like_html", "looks_like_json", "read_document",
]

_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_TAG = re.compile(r"</?(p|div|span|a|br|h[1-6]|li|ul|table|td|tr|article|section|script|style)\b", re.I)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# one whitespace-free run of 2,000+ ASCII letters/digits (base64, hex): encoded data, not prose
_ENCODED_RUN = re.compile(r"[A-Za-z0-9+/=_\-]{2000,}")


def decode_bytes(data: bytes, *, source: str | None = None) -> str:
    """Decode article bytes: UTF-8 (BOM optional) or UTF-16 with BOM; refuse binary data."""
    if not data:
        raise BadInputError("empty", "the input is empty (0 bytes)", source=source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadInputError("undecodable", f"invalid UTF-16 text ({exc.reason})", source=source) from exc
    if b"\x00" in data[:65536]:
        raise BadInputError(
            "binary", "the input looks binary (it contains NUL bytes); give a text file", source=source
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInputError(
            "undecodable",
            f"the input is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8",
            source=source,
        ) from exc


def check_text(text: str, *, max_chars: int, source: str | None = None) -> str:
    """Validate decoded text and return it with line endings unified to ``\\n``."""
    if "\x00" in text:
        raise BadInputError("binary", "the text contains NUL characters (binary data?)", source=source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise BadInputError("empty", "the article is empty or whitespace only", source=source)
    if len(text) > max_chars:
        raise BadInputError(
            "too_large",
            f"the article has {len(text):,} characters, over the limit of {max_chars:,} "
            "(raise max_chars / SUMMARIZER_MAX_CHARS to allow it)",
            source=source,
        )
    controls = sum(1 for ch in text[:100_000] if ord(ch) < 32 and ch not in "\n\t")
    if controls > max(8, len(text[:100_000]) // 100):
        raise BadInputError(
            "binary", f"the text has {controls} control characters: it does not look like prose",
            source=source,
        )
    if not _LETTER.search(text):
        raise BadInputError("no_text", "the input contains no letters: nothing to analyse", source=source)
    if (m := _SURROGATE.search(text)) is not None:
        raise BadInputError(
            "undecodable",
            f"the text contains an unpaired surrogate (U+{ord(m.group()):04X}) at offset {m.start()}: "
            "it was decoded incorrectly",
            source=source,
        )
    if (m := _ENCODED_RUN.search(text)) is not None:
        raise BadInputError(
            "not_prose",
            f"the text contains a {m.end() - m.start():,}-character run without spaces at offset "
            f"{m.start()} (encoded data such as base64?): it does not look like prose",
            source=source,
        )
    return text


def looks_like_json(text: str) -> bool:
    """True when the whole input parses as a JSON object or array."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[" or stripped[-1] not in "}]":
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


def looks_like_html(text: str) -> bool:
    head = text[:4096]
    return bool(_HTML_START.search(head)) or len(_TAG.findall(head)) >= 8


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "svg"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skip:
            self.skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def extract_html(html: str) -> str:
    """The main text of an HTML page: trafilatura when installed, else a simple tag stripper."""
    try:
        import trafilatura  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        pass
    else:
        text = trafilatura.extract(html, include_comments=False, include_tables=True)
        if text and text.strip():
            return str(text)
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_document(
    data: str | bytes | Path,
    *,
    max_chars: int = 2_000_000,
    id: str | None = None,
    source: str | None = None,
    **meta: str | None,
) -> Document:
    """Build a validated :class:`Document` from text, bytes or a file path.

    HTML pages are reduced to their article text (recorded in ``extracted_from``).

    Raises:
        BadInputError: empty, binary, undecodable, too large or letter-free input.
    """
    if isinstance(data, Path):
        source = source or str(data)
        try:
            raw = data.read_bytes()
        except OSError as exc:
            raise BadInputError("unreadable", f"cannot read the file: {exc.strerror}", source=source) from exc
        if len(raw) > max_chars * 4:
            raise BadInputError(
                "too_large", f"the file has {len(raw):,} bytes, over the limit", source=source
            )
        text = decode_bytes(raw, source=source)
        id = id or data.stem
    elif isinstance(data, bytes):
        text = decode_bytes(data, source=source)
    else:
        text = data
    extracted_from = None
    if looks_like_json(text):
        raise BadInputError(
            "json",
            "the input is a JSON document, not article text; give the article's text "
            "(for JSON Lines of articles use `summarizer batch`)",
            source=source or id,
        )
    if looks_like_html(text):
        text = extract_html(text)
        extracted_from = "html"
        if not text.strip():
            raise BadInputError("no_text", "the HTML page contains no article text", source=source or id)
    text = check_text(text, max_chars=max_chars, source=source or id)
    return Document(
        text=text,
        id=id,
        extracted_from=extracted_from,
        **{k: v for k, v in meta.items() if v is not None},  # type: ignore[arg-type]
    )
