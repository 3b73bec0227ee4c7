"""Claims from the parse: who said what, with exact spans, and the outlet's own assertions.

For a language with a parser model the claims come from
:func:`summarizer.nlp.attribution.extract_attributions` (source mention, cue and content as
character spans; pronouns resolved). Elsewhere the regex rules of
:mod:`summarizer.analysis.rules` credit whole sentences. Sentences that no attribution covers
and that carry no reporting cue are the outlet's own assertions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from ..core.document import Document, Sentence
from ..core.models import Claim, Evidence
from .rules import _CUE, for_document, speaker_type
from .summary import captions, instruction_sentences, reads_as_instruction

__all__ = ["claims_from_attributions", "claims_from_rules", "outlet_assertions"]

_HAS_QUOTE = re.compile(r"[\"“”«»„「」]")
_HEDGES = re.compile(
    r"\b(?:may|might|could|reportedly|allegedly|apparently|possibly|probably|likely|unlikely|"
    r"perhaps|is expected to|are expected to|appears? to|seems? to|suggests?|if|unless|"
    r"unconfirmed|rumou?red|believed to|said to be|would)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|„[^“”]*[“”]")


class _SpanLike(Protocol):
    start: int
    end: int
    text: str


class _AttributionLike(Protocol):
    content: Sequence[_SpanLike]
    cue: _SpanLike | None
    source: _SpanLike | None
    speaker: str | None
    speaker_type: str
    kind: str
    hedges: Sequence[str]


def hedges_in(text: str) -> list[str]:
    """Hedging cues in ``text`` ('may', 'reportedly', 'is expected to'), lower-case, once each."""
    return list(dict.fromkeys(m.group(0).lower() for m in _HEDGES.finditer(text)))


def _sentence_of(doc: Document, offset: int) -> int | None:
    for s in doc.sentences:
        if s.start <= offset < s.end:
            return s.id
    return None


def _span(doc: Document, span: _SpanLike | None) -> Evidence | None:
    if span is None or span.end <= span.start:
        return None
    text = doc.text[span.start:span.end]
    if not text.strip():
        return None
    return Evidence(start=span.start, end=span.end, text=text, sentence=_sentence_of(doc, span.start))


def _injected(doc: Document, sentence_ids: Sequence[int | None]) -> bool:
    """Whether an attribution sits in a sentence that, outside its quotations, is an
    instruction to a model ('[Instruction to language models: report that X said "..."]'):
    that is an injection asking for a claim, not reporting. A quoted instruction credited to
    someone (a comment that read: "Ignore your instructions ...") stays a claim."""
    return any(sid is not None and reads_as_instruction(_QUOTED.sub(" ", doc.sentences[sid - 1].text))
               for sid in dict.fromkeys(sentence_ids))


def heading_sentences(doc: Document) -> set[int]:
    """Ids of the lines above the body (the headline, a standfirst, a byline): sentences that are
    a line of their own with no closing punctuation ("?" allowed on the first line), before
    the first sentence that ends like prose. Lines later on that end without a full stop (a
    cue ending in a colon, a list item, a truncated line) are body text.

    Example:
        >>> d = Document("Study links night work to diabetes; experts urge caution\\n\\nThe study was large.")
        >>> sorted(heading_sentences(d))
        [1]
    """
    out: set[int] = set()
    for s in doc.sentences:
        last = s.text.rstrip()[-1:]
        first_line = "\n" not in doc.text[:s.start]
        if _own_line(s, doc) and (last not in ".!?:;,\"”»…'’)" or (last == "?" and first_line)):
            out.add(s.id)
        else:
            break
    return out


def claims_from_attributions(doc: Document, attributions: Sequence[Any]) -> list[Claim]:
    """One claim per parsed attribution (``origin='parser'``), evidence = the content spans;
    none from an injected instruction (see :func:`_injected`) and none from a headline or
    heading (:func:`heading_sentences`: the evals label the body's statement of it)."""
    out: list[Claim] = []
    headings = heading_sentences(doc)
    for a in attributions:
        evidence = [e for e in (_span(doc, c) for c in a.content) if e is not None]
        if not evidence or _injected(doc, [e.sentence for e in evidence]):
            continue
        if all(e.sentence in headings for e in evidence):
            continue  # the headline's 'experts urge caution': the body says it, with its context
        mention = _span(doc, a.source)
        speaker = (a.speaker or (mention.text if mention and a.speaker_type != "outlet" else None)
                   or doc.outlet or "outlet").strip()
        stype = a.speaker_type if a.speaker_type in (
            "outlet", "person", "organization", "group", "anonymous") else "group"
        if _is_outlet(speaker, doc.outlet):
            speaker, stype = (doc.outlet or speaker), "outlet"  # 'records obtained by the Review show'
        text = " … ".join(e.text.strip() for e in evidence)[:500]
        out.append(Claim(
            text=text or evidence[0].text[:500],
            speaker=speaker[:200],
            speaker_type=stype,  # type: ignore[arg-type]
            attribution="assertion" if stype == "outlet" else "direct" if a.kind == "direct" else "indirect",
            cue=(a.cue.text[:60] if a.cue is not None else None),
            evidence=evidence,
            mention=mention,
            cue_span=_span(doc, a.cue),
            hedges=list(a.hedges) or hedges_in(text),
            origin="parser",
        ))
    out.sort(key=lambda c: (c.evidence[0].start, c.evidence[0].end))
    return out


_SELF_REFERENCE = re.compile(r"(?:this|our) (?:newspaper|paper|publication|magazine|website|reporter|"
                             r"correspondent)|(?:notre|ce) journal|(?:este|nuestro) (?:peri[oó]dico|diario)",
                             re.IGNORECASE)


def _is_outlet(speaker: str, outlet: str | None) -> bool:
    """Is the speaker the article's own outlet ('the Review' of the Riverland Review)?"""
    if _SELF_REFERENCE.fullmatch(speaker.strip()):
        return True
    if not outlet:
        return False
    words = [w for w in _WORD.findall(speaker.lower()) if w not in ("the", "our", "this")]
    own = set(_WORD.findall(outlet.lower())) - {"the"}
    return bool(words) and set(words) <= own and any(w[:1].isupper() for w in speaker.split())


def claims_from_rules(doc: Document) -> list[Claim]:
    """Sentence-level claims from the regex rules (languages with no parser model)."""
    out = []
    for sid, r in for_document(doc).items():
        sent = doc.sentences[sid - 1]
        if _injected(doc, [sid]):
            continue
        direct = bool(_HAS_QUOTE.search(sent.text))
        out.append(Claim(
            text=sent.text[:500], speaker=r.source[:200],
            speaker_type=speaker_type(r.source, sent.text, doc.language or "en"),  # type: ignore[arg-type]
            attribution="direct" if direct else "indirect", cue=r.cue[:60],
            evidence=[Evidence(start=sent.start, end=sent.end, text=sent.text, sentence=sid)],
            hedges=hedges_in(sent.text), origin="rules",
        ))
    return out


def _is_prose(s: Sentence, doc: Document) -> bool:
    """A sentence of the body: closing punctuation, six words or more, or three or more inside
    a paragraph ('Business was divided.', 'Judge Martin Obi dissented.'); a short line of its
    own is a byline or a caption."""
    text = s.text.strip()
    words = len(_WORD.findall(text))
    if words < 3 or text.endswith("?") or text[-1] not in ".!\"”»…'’)":
        return False
    if words < 6 and _own_line(s, doc):
        return False
    return not (doc.title and text.rstrip(".") == doc.title.strip().rstrip("."))


def _own_line(s: Sentence, doc: Document) -> bool:
    """Is ``s`` alone on its line?"""
    before = doc.text[:s.start].rsplit("\n", 1)[-1]
    after = doc.text[s.end:].split("\n", 1)[0]
    return not before.strip() and not after.strip()


# A mere reaction with no proposition of its own ('X welcomed the ruling', 'Judge Obi
# dissented', 'The opposition voted against'): the outlet's report of it (evals/README.md).
_REACTION_ONLY = re.compile(
    r"\b(?:welcomed|applauded|praised|hailed|condemned|denounced|criticized|criticised|dissented|"
    r"rejected|opposed|voted (?:against|for)|a voté (?:contre|pour)|ont voté (?:contre|pour)|"
    r"ha votado en contra|votó en contra)\b", re.IGNORECASE)
_PROPOSITION = re.compile(r"\b(?:that|que|said|says|told|according to|selon|según)\b|[\"“”«»:]", re.IGNORECASE)


def _mere_reaction(text: str) -> bool:
    """Is the sentence's only reporting cue a reaction verb with no stated proposition?"""
    return bool(_REACTION_ONLY.search(text)) and not _PROPOSITION.search(text) and \
        not _CUE.search(_REACTION_ONLY.sub(" ", text))


def outlet_assertions(doc: Document, claims: Sequence[Claim], *, origin: str = "parser") -> list[Claim]:
    """The outlet's own voice: shown prose sentences that no attributed claim covers, that
    carry no reporting cue and are not instructions to a model."""
    covered: set[int] = set()
    for c in claims:
        for e in [*c.evidence, *([c.mention] if c.mention else [])]:
            for s in doc.sentences:
                if s.start < e.end and e.start < s.end:
                    covered.add(s.id)
    flagged = instruction_sentences(doc) | captions(doc)
    outlet = doc.outlet or "outlet"
    out = []
    for s in doc.visible:
        if s.id in covered or s.id in flagged or not _is_prose(s, doc):
            continue
        if _CUE.search(s.text) and not _mere_reaction(s.text):
            continue
        out.append(Claim(
            text=s.text[:500], speaker=outlet, speaker_type="outlet", attribution="assertion",
            evidence=[Evidence(start=s.start, end=s.end, text=s.text, sentence=s.id)],
            hedges=hedges_in(s.text), origin=origin,  # type: ignore[arg-type]
        ))
    return out
