"""Markdown for one :class:`~summarizer.core.models.ArticleAnalysis` (``--format md``)."""

from __future__ import annotations

from ..core.models import ArticleAnalysis, Evidence

__all__ = ["analysis_markdown"]


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cite(evidence: list[Evidence]) -> str:
    return ", ".join(f"S{e.sentence}" if e.sentence else f"{e.start}-{e.end}" for e in evidence)


def analysis_markdown(result: ArticleAnalysis) -> str:
    """Human-readable Markdown: summary, claims table (speaker, quote), stances, run notes."""
    s = result.summary
    out = [f"# {s.headline}", "", s.abstract, ""]
    if s.extractive:
        out += ["_Extractive summary: the article's own sentences (no model summary)._", ""]
    out += ["## Key points", ""]
    out += [f"- {kp.text} ({_cite(kp.evidence)})" if kp.evidence else f"- {kp.text}" for kp in s.key_points]
    out += ["", f"## Claims ({len(result.claims)})", ""]
    if result.claims:
        out += ["| # | Speaker | Type | Attribution | Claim | Where |", "|---|---|---|---|---|---|"]
        for i, c in enumerate(result.claims, 1):
            cue = f" ({c.cue})" if c.cue else ""
            cue += " · rules" if c.origin == "rules" else ""
            cue += f" · hedged: {', '.join(c.hedges)}" if c.hedges else ""
            speaker = _cell(c.speaker, 60)
            if c.mention is not None and _cell(c.mention.text, 60) != speaker:
                speaker += f" (“{_cell(c.mention.text, 40)}”)"
            where = ", ".join(f"S{e.sentence} {e.start}-{e.end}" for e in c.evidence[:2])
            out.append(
                f"| {i} | {speaker} | {c.speaker_type} | {c.attribution}{cue} "
                f"| {_cell(c.text)} | {where} |"
            )
        if any(c.origin == "rules" for c in result.claims):
            out += ["", "_“rules”: found by the regex attribution rules (no parser model for "
                    "this language; see README)._"]
    else:
        out.append("_No attributed claims._")
    out += ["", f"## Stances ({len(result.stances)})", ""]
    if result.stances:
        out += ["| Holder | Target | Label | Confidence | Evidence |", "|---|---|---|---|---|"]
        for st in result.stances:
            conf = (f"{st.confidence.get(st.label, 0):.2f}" if st.confidence else "-")
            out.append(
                f"| {_cell(st.holder, 60)} ({st.holder_type}) | {_cell(st.target, 60)} "
                f"| **{st.label}** | {conf} | {_cite(st.evidence)} |"
            )
    else:
        out.append("_No stances._")
    if result.rejected:
        out += ["", f"## Rejected, replaced or overridden ({len(result.rejected)})", ""]
        for r in result.rejected:
            out.append(f"- {r.kind}: {_cell(str(r.item), 120)} — {'; '.join(r.reasons)}")
    m = result.meta
    src = result.source
    out += [
        "",
        "---",
        f"_{m.backend}:{m.model} · prompt {m.prompt} · mode {m.mode or '-'} · "
        f"{m.usage.prompt_tokens}+{m.usage.completion_tokens} tokens · {m.attempts} call(s) · "
        f"{m.latency_s:.1f} s · language {src.language or '?'} · {src.sentences} sentences"
        + (f" · extracted from {src.extracted_from}" if src.extracted_from else "")
        + (" · cached" if m.cached else "")
        + "_",
    ]
    return "\n".join(out) + "\n"
