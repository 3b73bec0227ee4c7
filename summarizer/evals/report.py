"""Eval outputs: ``results.json``, ``report.md``, a self-contained ``report.html`` (inline SVG),
plus comparison of two runs and threshold gates.

No rendering here calls a model. The HTML has no external resources (no scripts, fonts or
images fetched), so it can be attached to CI runs as one file.

Usage::

    write_report(report, Path("out"))  # out/results.json, out/report.md, out/report.html
"""

from __future__ import annotations

import html
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import ConfigurationError
from ..core.files import write_private
from .results import EvalReport

__all__ = [
    "Comparison",
    "GateFailure",
    "compare",
    "gate",
    "load_results",
    "load_thresholds",
    "render_html",
    "render_markdown",
    "write_report",
]

HEADLINE = [
    "claims_f1", "claims_precision", "claims_recall", "speaker_type_accuracy", "attribution_accuracy",
    "stances_f1", "stance_accuracy", "stance_macro_f1", "stance_macro_f1_related", "keypoint_coverage", "faithfulness",
    "evidence_verified", "schema_valid_first_attempt", "lexical_balanced_accuracy",
    "llm_balanced_accuracy",
]
"""Scores shown first and charted (all in 0-1, higher is better)."""


def load_results(path: Path | str) -> EvalReport:
    """Read a ``results.json`` (or the folder holding it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        return EvalReport.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(f"no results file at {path}") from exc
    except ValueError as exc:
        raise ConfigurationError(f"{path}: not an eval results file ({str(exc)[:200]})") from exc


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def _ordered_metrics(report: EvalReport) -> list[tuple[str, float | None]]:
    first = [(k, report.metrics[k]) for k in HEADLINE if k in report.metrics]
    rest = [(k, v) for k, v in report.metrics.items() if k not in HEADLINE]
    return first + rest


# -- comparison and gates -------------------------------------------------------------------


@dataclass
class Comparison:
    """Per-metric deltas and the cases whose scores or labels changed between two runs."""

    deltas: list[tuple[str, float | None, float | None, float | None]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)

    def to_markdown(self) -> str:
        lines = ["## Compared with the previous run", "", "| metric | old | new | delta |", "|---|---|---|---|"]
        for name, old, new, delta in self.deltas:
            sign = "" if delta is None else ("+" if delta > 0 else "")
            lines.append(f"| {name} | {_fmt(old)} | {_fmt(new)} | {sign}{_fmt(delta)} |")
        lines += ["", f"Changed cases: {len(self.changed)}"]
        for ch in self.changed[:50]:
            lines.append(f"- `{ch['id']}`: " + ", ".join(f"{k} {_fmt(o)} → {_fmt(n)}" if not isinstance(o, list)
                                                         else f"{k} {o} → {n}" for k, (o, n) in ch["what"].items()))
        if self.only_old or self.only_new:
            lines.append(f"- cases only in the old run: {len(self.only_old)}; only in the new run: {len(self.only_new)}")
        return "\n".join(lines) + "\n"


def compare(old: EvalReport, new: EvalReport) -> Comparison:
    """Per-metric deltas (new − old) and the cases that changed.

    Usage::

        cmp = compare(load_results("old/results.json"), report)
        cmp.deltas[0]  # ('claims_f1', 0.41, 0.47, 0.06): name, old, new, delta
    """
    out = Comparison()
    for name in dict.fromkeys([*new.metrics, *old.metrics]):
        o, n = old.metrics.get(name), new.metrics.get(name)
        delta = round(n - o, 4) if o is not None and n is not None else None
        out.deltas.append((name, o, n, delta))
    old_cases = {c.id: c for c in old.cases}
    new_cases = {c.id: c for c in new.cases}
    out.only_old = sorted(set(old_cases) - set(new_cases))
    out.only_new = sorted(set(new_cases) - set(old_cases))
    for cid, nc in new_cases.items():
        oc = old_cases.get(cid)
        if oc is None:
            continue
        what: dict[str, tuple[Any, Any]] = {}
        for key in dict.fromkeys([*oc.scores, *nc.scores]):
            if oc.scores.get(key) != nc.scores.get(key):
                what[key] = (oc.scores.get(key), nc.scores.get(key))
        if [list(p) for p in oc.labels] != [list(p) for p in nc.labels]:
            what["labels"] = ([p[1] for p in oc.labels], [p[1] for p in nc.labels])
        if (oc.error is None) != (nc.error is None):
            what["error"] = (oc.error, nc.error)
        if what:
            out.changed.append({"id": cid, "what": what})
    return out


@dataclass(frozen=True)
class GateFailure:
    metric: str
    value: float | None
    threshold: float
    kind: str  # "min" | "max"

    def __str__(self) -> str:
        relation = "below the minimum" if self.kind == "min" else "above the maximum"
        return f"{self.metric} = {_fmt(self.value)} is {relation} {self.threshold}"


def load_thresholds(path: Path | str) -> dict[str, dict[str, dict[str, float]]]:
    """Read a thresholds TOML: ``[suite]`` tables of ``metric = minimum`` and optional
    ``[suite.max]`` tables of ``metric = maximum``.

    Raises:
        ConfigurationError: the file is missing or malformed.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(f"no thresholds file at {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: invalid TOML: {exc}") from exc
    out: dict[str, dict[str, dict[str, float]]] = {}
    for suite, table in data.items():
        if not isinstance(table, dict):
            raise ConfigurationError(f"{path}: [{suite}] must be a table of metric = threshold")
        mins = {k: v for k, v in table.items() if k != "max"}
        maxs = table.get("max", {})
        for k, v in [*mins.items(), *maxs.items()]:
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise ConfigurationError(f"{path}: [{suite}] {k} must be a number, got {v!r}")
        out[suite] = {"min": {k: float(v) for k, v in mins.items()}, "max": {k: float(v) for k, v in maxs.items()}}
    return out


def gate_section(report: EvalReport) -> str:
    """The thresholds table that judges ``report``: ``[<suite>-no-model]`` for a run made
    without a model (``--no-model``: no summary or stance metrics to judge), else ``[<suite>]``."""
    return f"{report.suite}-no-model" if report.config.get("backend") == "none" else report.suite


def gate(report: EvalReport, thresholds: dict[str, dict[str, dict[str, float]]]) -> list[GateFailure]:
    """The thresholds of ``report.suite`` that the report breaks (a missing metric fails).

    A skipped report passes (there is nothing to judge); say so in CI output.

    Example:
        >>> from datetime import UTC, datetime
        >>> report = EvalReport(suite="fixtures", created_at=datetime.now(UTC),
        ...                     metrics={"claims_f1": 0.41})
        >>> [str(f) for f in gate(report, {"fixtures": {"min": {"claims_f1": 0.5}, "max": {}}})]
        ['claims_f1 = 0.410 is below the minimum 0.5']
    """
    if report.skipped:
        return []
    table = thresholds.get(gate_section(report), {"min": {}, "max": {}})
    failures = []
    for metric, minimum in table.get("min", {}).items():
        value = report.metrics.get(metric)
        if value is None or value < minimum:
            failures.append(GateFailure(metric, value, minimum, "min"))
    for metric, maximum in table.get("max", {}).items():
        value = report.metrics.get(metric)
        if value is None or value > maximum:
            failures.append(GateFailure(metric, value, maximum, "max"))
    return failures


# -- markdown -------------------------------------------------------------------------------


def render_markdown(report: EvalReport, comparison: Comparison | None = None) -> str:
    """A Markdown report: configuration, metrics, per-class scores, confusion, worst cases."""
    lines = [f"# Eval report: {report.suite}", ""]
    cfg = ", ".join(f"{k}={v}" for k, v in report.config.items() if v is not None)
    lines += [f"Run {report.created_at:%Y-%m-%d %H:%M} UTC in {report.duration_s:.1f} s; {cfg}", ""]
    if report.skipped:
        return "\n".join(lines + [f"**Skipped:** {report.skipped}", ""])
    lines += ["## Metrics", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in _ordered_metrics(report)]
    if report.per_class:
        lines += ["", "## Per class", "", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for name, s in report.per_class.items():
            lines.append(f"| {name} | {_fmt(s['precision'])} | {_fmt(s['recall'])} | {_fmt(s['f1'])} | {int(s['support'] or 0)} |")
    if report.confusion:
        labels = report.confusion.labels
        lines += ["", "## Confusion matrix (rows: gold, columns: predicted)", "",
                  "| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
        for label, row in zip(labels, report.confusion.matrix, strict=True):
            lines.append(f"| {label} | " + " | ".join(str(x) for x in row) + " |")
    errors = [c for c in report.cases if c.error]
    if errors:
        lines += ["", f"## Errors ({len(errors)})", ""]
        lines += [f"- `{c.id}`: {c.error}" for c in errors[:30]]
    key = next((k for k in ("claims_f1", "correct", "share") if any(k in c.scores for c in report.cases)), None)
    if key:
        worst = sorted((c for c in report.cases if c.scores.get(key) is not None), key=lambda c: c.scores[key] or 0.0)
        lines += ["", f"## Cases (worst {key} first)", "", f"| case | {key} | calls | latency s | tokens |", "|---|---|---|---|---|"]
        for c in worst[:40]:
            lines.append(f"| {c.id} | {_fmt(c.scores[key])} | {c.calls} | {c.latency_s:.1f} | {c.usage.total_tokens} |")
    if comparison is not None:
        lines += ["", comparison.to_markdown()]
    return "\n".join(lines) + "\n"


# -- html -----------------------------------------------------------------------------------


def _bar_chart(items: list[tuple[str, float]], *, title: str, max_value: float | None = None, unit: str = "") -> str:
    if not items:
        return ""
    top = max_value or max((v for _, v in items), default=1.0) or 1.0
    row, label_w, bar_w = 22, 230, 360
    height = row * len(items) + 30
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 80}" height="{height}" '
              f'role="img" aria-label="{html.escape(title)}">'),
             f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>']
    for i, (name, value) in enumerate(items):
        y = 24 + i * row
        w = max(0.0, min(1.0, value / top)) * bar_w
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{html.escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#4a78b5"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{_fmt(value)}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _confusion_svg(labels: list[str], matrix: list[list[int]]) -> str:
    cell, pad = 56, 110
    size = pad + cell * len(labels)
    peak = max((x for row in matrix for x in row), default=0) or 1
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 20}" height="{size + 30}" role="img" '
              'aria-label="confusion matrix">'),
             f'<text x="{pad}" y="14">predicted →</text>',
             f'<text x="4" y="{pad - 8}">gold ↓</text>']
    for j, name in enumerate(labels):
        parts.append(f'<text x="{pad + j * cell + cell / 2}" y="{pad - 8}" text-anchor="middle" '
                     f'font-size="11">{html.escape(name[:10])}</text>')
    for i, (name, row) in enumerate(zip(labels, matrix, strict=True)):
        y = pad + i * cell
        parts.append(f'<text x="{pad - 6}" y="{y + cell / 2 + 4}" text-anchor="end" font-size="11">'
                     f'{html.escape(name[:14])}</text>')
        for j, value in enumerate(row):
            shade = int(255 - 180 * value / peak)
            fill = f"rgb({shade},{shade},255)" if i != j else f"rgb({shade},255,{shade})"
            parts.append(f'<rect x="{pad + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}"/>')
            parts.append(f'<text x="{pad + j * cell + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: EvalReport, comparison: Comparison | None = None) -> str:
    """A single self-contained HTML page with inline SVG charts."""
    esc = html.escape
    body = [f"<h1>Eval report: {esc(report.suite)}</h1>",
            f"<p>Run {report.created_at:%Y-%m-%d %H:%M} UTC in {report.duration_s:.1f} s. "
            + esc(", ".join(f"{k}={v}" for k, v in report.config.items() if v is not None)) + "</p>"]
    if report.skipped:
        body.append(f"<p><strong>Skipped:</strong> {esc(report.skipped)}</p>")
    else:
        scores = [(k, float(v)) for k, v in _ordered_metrics(report) if k in HEADLINE and v is not None]
        body.append(_bar_chart(scores, title="Scores (0-1)", max_value=1.0))
        if report.per_class:
            body.append(_bar_chart([(k, v["f1"]) for k, v in report.per_class.items() if v["f1"] is not None],
                                   title="F1 per class (undefined classes left out)",
                                   max_value=1.0))
        if report.confusion:
            body.append("<h2>Confusion matrix</h2>" + _confusion_svg(report.confusion.labels, report.confusion.matrix))
        timed = [c for c in report.cases if c.calls]
        if timed:
            body.append("<h2>Latency and tokens per case</h2>")
            body.append(_bar_chart([(c.id[:32], c.latency_s) for c in timed[:60]], title="Latency", unit=" s"))
            body.append(_bar_chart([(c.id[:32], float(c.usage.total_tokens)) for c in timed[:60]], title="Tokens"))
        rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(_fmt(v))}</td></tr>" for k, v in _ordered_metrics(report))
        body.append(f"<h2>All metrics</h2><table><tr><th>metric</th><th>value</th></tr>{rows}</table>")
        errors = [c for c in report.cases if c.error]
        if errors:
            body.append("<h2>Errors</h2><ul>" + "".join(f"<li><code>{esc(c.id)}</code>: {esc(c.error or '')}</li>"
                                                         for c in errors[:30]) + "</ul>")
    if comparison is not None:
        rows = "".join(f"<tr><td>{esc(n)}</td><td>{_fmt(o)}</td><td>{_fmt(v)}</td><td>{_fmt(d)}</td></tr>"
                       for n, o, v, d in comparison.deltas)
        body.append("<h2>Compared with the previous run</h2><table><tr><th>metric</th><th>old</th><th>new</th>"
                    f"<th>delta</th></tr>{rows}</table><p>Changed cases: {len(comparison.changed)}</p>")
    style = ("body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}"
             "svg{display:block;margin:1em 0;font-size:12px}")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Eval report: "
            f"{esc(report.suite)}</title><style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def write_report(report: EvalReport, out_dir: Path | str, *, comparison: Comparison | None = None) -> list[Path]:
    """Write ``results.json``, ``report.md`` and ``report.html`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "results.json": report.model_dump_json(indent=2),
        "report.md": render_markdown(report, comparison),
        "report.html": render_html(report, comparison),
    }
    if comparison is not None:
        files["comparison.json"] = json.dumps(
            {"deltas": comparison.deltas, "changed": comparison.changed,
             "only_old": comparison.only_old, "only_new": comparison.only_new}, indent=2, default=str)
    paths = []
    for name, text in files.items():
        path = out / name
        write_private(path, text)
        paths.append(path)
    return paths
