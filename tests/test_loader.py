"""The one article loader (summarizer.core.loader): one test per rule of its docstring, and the
batch and the briefing reading a folder the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.briefing import load_articles
from summarizer.cli.batch_cmd import load_items
from summarizer.core.errors import BadInputError
from summarizer.core.loader import read_articles
from summarizer.core.settings import Settings

TEXT = "Officials said the port reopened on Monday after the storm."


def _jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_ids_are_optional_and_derived_from_the_file_name(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "wire.jsonl", {"text": TEXT}, {"id": 7, "text": TEXT},
                 {"id": "", "text": TEXT})
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "ledger.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "folder" / "named.md").write_text(f"---\nid: custom\n---\n{TEXT}", encoding="utf-8")
    single = tmp_path / "single.html"
    single.write_text(f"<html><body><p>{TEXT}</p></body></html>", encoding="utf-8")
    loaded = read_articles([src, tmp_path / "folder", single])
    assert loaded.failures == []
    assert [d.id for d in loaded.documents] == ["wire-1", "7", "wire-3", "ledger", "custom", "single"]
    assert loaded.ids == [d.id for d in loaded.documents]


def test_duplicate_ids_are_an_error_naming_both_sources(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", {"id": "a", "text": TEXT}, {"id": "b", "text": TEXT},
                 {"id": "a", "text": TEXT})
    with pytest.raises(BadInputError, match="duplicate id 'a'") as info:
        read_articles([src])
    assert info.value.reason == "duplicate_ids"
    assert f"{src}:1" in str(info.value) and f"{src}:3" in str(info.value)
    # two files whose names differ only by suffix have the same id
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "x.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "f" / "x.html").write_text(TEXT, encoding="utf-8")
    with pytest.raises(BadInputError, match="x.html and .*x.txt"):
        read_articles([tmp_path / "f"])
    # the briefing and the batch apply the same rule
    with pytest.raises(BadInputError, match="duplicate"):
        load_articles([src])
    with pytest.raises(BadInputError, match="duplicate"):
        load_items(src, settings=Settings())


def test_folders_are_not_searched_recursively_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub" / "c.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "d.htm").write_text(TEXT, encoding="utf-8")
    assert read_articles([tmp_path]).ids == ["a", "b"]
    assert read_articles([tmp_path], recursive=True).ids == ["a", "b", "sub/c", "sub/deeper/d"]
    docs, failed = load_articles([tmp_path], recursive=True)
    assert [d.id for d in docs] == ["a", "b", "sub/c", "sub/deeper/d"] and failed == []
    assert load_items(tmp_path, settings=Settings()).ids == ["a", "b"]


def test_suffixes_in_a_folder_and_any_file_given_by_name(tmp_path: Path) -> None:
    for name in ("a.txt", "b.TEXT", "c.md", "d.html", "e.htm", "f.csv", "g.docx", "h"):
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    _jsonl(tmp_path / "i.jsonl", {"id": "from-jsonl", "text": TEXT})
    assert read_articles([tmp_path]).ids == ["a", "b", "c", "d", "e", "from-jsonl"]
    assert read_articles([tmp_path / "f.csv"]).ids == ["f"]  # named explicitly: read as text


def test_front_matter_is_metadata_in_every_file_and_extra_keys_are_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"---\noutlet: Xinhua\ndate: 2024-01-02\nlean: none\n---\n{TEXT}",
                                    encoding="utf-8")
    src = _jsonl(tmp_path / "b.jsonl", {"text": TEXT, "outlet": "Ledger", "url": "", "desk": 3})
    a, b = read_articles([tmp_path / "a.txt", src]).documents
    assert (a.outlet, a.date, a.extra, a.text) == ("Xinhua", "2024-01-02", {"lean": "none"}, TEXT)
    assert (b.outlet, b.url, b.extra) == ("Ledger", None, {"desk": "3"})
    # the batch reads front matter too (it used to analyse it as article text)
    (doc,) = load_items(tmp_path / "a.txt", settings=Settings()).items
    assert not isinstance(doc, Path) and doc.outlet == "Xinhua" and "---" not in doc.text


def test_error_reasons_and_sources(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", "{not json}", "[1, 2]", {"id": "x"}, {"id": [1], "text": TEXT},
                 {"id": "blank", "text": "   "}, {"id": "ok", "text": TEXT})
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "empty.txt").write_bytes(b"")
    loaded = read_articles([src, tmp_path / "nope.txt", tmp_path / "empty-folder",
                            tmp_path / "empty.txt"])
    assert [d.id for d in loaded.documents] == ["ok"]
    got = [(f.id, f.source, f.error.reason, f.whole_input) for f in loaded.failures]
    assert got == [
        ("in-1", f"{src}:1", "bad_jsonl", False),
        ("in-2", f"{src}:2", "bad_jsonl", False),
        ("x", f"{src}:3", "bad_jsonl", False),
        ("in-4", f"{src}:4", "bad_jsonl", False),
        ("blank", f"{src}:5", "empty", False),
        ("nope", str(tmp_path / "nope.txt"), "unreadable", True),
        ("empty-folder", str(tmp_path / "empty-folder"), "empty", True),
        ("empty", str(tmp_path / "empty.txt"), "empty", False),
    ]
    messages = [str(f.error) for f in loaded.failures]
    assert "line 1: invalid JSON" in messages[0] and "not a JSON object" in messages[1]
    assert "'text' string" in messages[2] and "string or an integer" in messages[3]
    assert loaded.ids == ["in-1", "in-2", "x", "in-4", "blank", "ok", "nope", "empty-folder", "empty"]


def test_a_json_string_may_hold_a_unicode_line_separator(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "in.jsonl", json.dumps({"id": "a", "text": TEXT + "\u2028" + TEXT},
                                                   ensure_ascii=False))
    loaded = read_articles([src])
    assert loaded.failures == [] and loaded.documents[0].text == TEXT + "\u2028" + TEXT


def test_the_batch_fails_up_front_only_for_its_source(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no such file") as info:
        load_items(tmp_path / "missing.jsonl", settings=Settings())
    assert info.value.reason == "unreadable"
    (tmp_path / "folder").mkdir()
    with pytest.raises(BadInputError, match="no article files"):
        load_items(tmp_path / "folder", settings=Settings())
    src = _jsonl(tmp_path / "in.jsonl", {"id": "a", "text": TEXT}, "{bad", {"id": "c", "text": ""})
    loaded = load_items(src, settings=Settings())
    assert loaded.ids == ["a", "in-2", "c"]
    assert [(i, e.reason) for i, e in loaded.failed] == [("in-2", "bad_jsonl"), ("c", "empty")]
