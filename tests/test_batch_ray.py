"""The Ray Data fleet path on a local Ray (2 CPUs, no dashboard, no network) against two
loopback chat-completions servers, with an actor killed mid-run."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.core.errors import ConfigurationError
from summarizer.core.models import ArticleAnalysis
from summarizer.core.settings import Settings
from summarizer.testing import Reply, ScriptedServer

def _good(n: int) -> dict[str, Any]:
    """A verified summary of article ``n`` (three key points for its three sentences)."""
    return {
        "h": "Council approves budget",
        "a": "The city council approved the budget.",
        "k": [{"x": "The city council approved the budget on Monday.", "e": [1]},
              {"x": f"The vote was {n} to 3.", "e": [2]},
              {"x": "Residents will see new parks next year.", "e": [3]}],
    }


def _answer(body: dict[str, Any]) -> Reply:
    text = " ".join(str(m.get("content")) for m in body["messages"])
    return Reply(content=_good(int(text.split("The vote was ")[1].split(" ")[0])))


# Ray itself (not our code) warns about its own deprecated settings as it starts.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")

FAILURE_KEYS = {"id", "error", "message", "reason", "cause", "status_code", "attempts", "reasons",
                "calls", "usage", "cost_usd", "failed_at"}


def _article(i: int) -> str:
    return (f"The city council approved the budget on Monday. The vote was {i} to 3. "
            "Residents will see new parks next year.")


def _records(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"id": f"a{i}", "text": _article(i), "outlet": "City News"} for i in range(start, n)]


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _shard_ids(out: Path) -> list[str]:
    ids = []
    for shard in sorted(out.glob("*.jsonl")):
        ids += [json.loads(line)["id"] for line in shard.read_text(encoding="utf-8").splitlines()]
    return ids


def test_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from summarizer.batch import ray_fleet as batch_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'summarizer\[ray\]'"):
        batch_ray.run(tmp_path / "in.jsonl", tmp_path / "out", endpoints=["http://127.0.0.1:9/v1"])


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_fleet_kills_an_actor_and_still_writes_each_id_once(local_ray: Any, tmp_path: Path) -> None:
    from summarizer.batch.ray_fleet import run
    from summarizer.testing.crash import exit_on_marker

    src = _write_jsonl(tmp_path / "in.jsonl", [*_records(24), {"id": "blank", "text": "   "}])
    out = tmp_path / "out"
    flag = tmp_path / "killed"
    settings = Settings(model="m", mode="tools", transport_retries=0)
    with ScriptedServer(handler=_answer) as one, \
            ScriptedServer(handler=_answer) as two:
        summary = run(src, out, endpoints=[one.base_url, two.base_url], settings=settings,
                      batch_size=6, wrap_backend=exit_on_marker("The vote was 9 ", flag))
        assert flag.exists()  # an actor process died in the middle of its batch
        assert one.requests and two.requests  # both endpoints served
        ids = _shard_ids(out)
        assert Counter(ids) == Counter(f"a{i}" for i in range(24))  # each exactly once
        assert summary.ok == 24 and summary.failed == 1
        (failure,) = [json.loads(x) for x in (tmp_path / "out.failed.jsonl").read_text().splitlines()]
        assert set(failure) == FAILURE_KEYS and failure["id"] == "blank" and failure["reason"] == "empty"
        line = json.loads((sorted(out.glob("*.jsonl"))[0]).read_text().splitlines()[0])
        analysis = ArticleAnalysis.model_validate({k: v for k, v in line.items() if k != "id"})
        assert analysis.source.id == line["id"] and analysis.source.outlet == "City News"

        # a rerun over a longer input analyses only the new articles
        sent_before = len(one.requests) + len(two.requests)
        _write_jsonl(src, [*_records(24), *_records(28, start=24)])
        again = run(src, out, endpoints=[one.base_url, two.base_url], settings=settings, batch_size=6)
        assert len(one.requests) + len(two.requests) - sent_before == 4
    assert again.ok == 4 and again.skipped == 24
    assert Counter(_shard_ids(out)) == Counter(f"a{i}" for i in range(28))


@pytest.mark.slow
def test_cli_parquet_in_and_out(local_ray: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from summarizer.cli import main

    records = _records(8)
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(records), src)
    out = tmp_path / "shards"
    with ScriptedServer(handler=_answer) as srv:
        args = ["batch", str(src), "-o", str(out), "--ray", "local", "--endpoint", srv.base_url,
                "--model", "m", "--mode", "tools", "--output-format", "parquet"]
        assert main(args) == 0
        assert main(args) == 2  # shards exist: --resume is required, as for the local batch
        assert main([*args, "--resume"]) == 0
        assert len(srv.requests) == 8  # the resumed run had nothing left to send
    table = pa.concat_tables(pq.read_table(p) for p in sorted(out.glob("*.parquet")))
    assert sorted(table.column("id").to_pylist()) == sorted(r["id"] for r in records)
    analysis = ArticleAnalysis.model_validate_json(table.column("analysis")[0].as_py())
    assert analysis.summary.headline == "Council approves budget"


@pytest.mark.slow
def test_parser_only_fleet_needs_no_endpoint(local_ray: Any, tmp_path: Path) -> None:
    from summarizer.batch.ray_fleet import run

    src = _write_jsonl(tmp_path / "in.jsonl", _records(4))
    summary = run(src, tmp_path / "out", settings=Settings(no_model=True))
    assert summary.ok == 4 and summary.failed == 0
    lines = [json.loads(x) for p in sorted((tmp_path / "out").glob("*.jsonl"))
             for x in p.read_text().splitlines()]
    assert sorted(r["id"] for r in lines) == ["a0", "a1", "a2", "a3"]
    assert all(r["meta"]["usage"]["prompt_tokens"] == 0 and r["summary"]["key_points"] for r in lines)
