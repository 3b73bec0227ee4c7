"""A second pass over the parse's attributions: one source per statement, named as it is named.

:func:`~summarizer.nlp.attribution.extract_attributions` reads every cue on its own. News copy
nests them ("the agreement implies X, Putin explained, according to Sputnik"; "Kim emphasized
that ..., Sputnik reported"), labels metadata with colons ("Published: Jun 19") and names
sources inside longer mentions ("Russian presidential aide Yuri Ushakov"). This pass, on the
same parse:

* drops metadata labels taken for speakers ("Published:", "Photo:", "Updated:");
* keeps one attribution per statement when one lies inside another's content or both credit
  the same words: the one whose source says more about who is speaking (a person over a
  group or anonymous source, over an organisation, over a thing such as "the agreement" or
  "the list of delegates"); the inner one wins ties, since the reporter of a quote
  ("..., Sputnik reported") is not its speaker;
* reads the named person who speaks inside an "according to" ("According to Sputnik, Putin
  stressed that ...") as the speaker of what follows;
* cuts a content piece at a paragraph break, keeping the side of the cue (a caption before
  the paragraph is not part of what was said);
* names the speaker by the person (else organisation) entity inside the mention, and keeps a
  speaker only in the form the article writes it (no "Beijingbased" for "Beijing-based").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .attribution import ENGLISH, FRENCH, SPANISH, ParsedAttribution, TextSpan

__all__ = ["resolve"]

_LABELS = frozenset({"published", "updated", "photo", "photos", "image", "source", "credit",
                     "posted", "editor's note", "file photo", "video", "watch", "read more",
                     "related", "tags", "by"})
_PARAGRAPH = re.compile(r"\n\s*\n")
_DETERMINERS = re.compile(r"^(?:a|an|the|some|one)\s+", re.IGNORECASE)
_RELATIVE = re.compile(r",?\s+(?:who|which|that)\b.*$", re.IGNORECASE | re.DOTALL)
_RANK = {"person": 4, "anonymous": 3, "group": 3, "organization": 2, "outlet": 1}


def _is_label(a: ParsedAttribution) -> bool:
    if a.source is None:
        return False
    text = a.source.text.strip().strip('"“”').rstrip(":").strip().lower()
    return text in _LABELS


def _entity(doc: Any, span: TextSpan, labels: set[str]) -> str | None:
    for ent in getattr(doc, "ents", ()):
        if ent.label_ in labels and span.start <= ent.start_char and ent.end_char <= span.end:
            return str(ent.text)
    return None


_CLAUSE = re.compile(r",?\s+(?:who|whom|whose|which|that)\b|\s+(?:and|or)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^\s*['’]s?\b")


def _speaking_person(text: str, doc: Any, source: TextSpan, speaker: str | None = None) -> str | None:
    """The person entity that names the speaker of ``source``: not one inside its relative
    clause or after a conjunction ('Christie, who campaigned for Donald Trump'; 'Gary Johnson
    and 1 percent'), nor a possessor ('an ad from Donald Trump's campaign'); ``speaker`` when
    it is one of them (the parse's head: 'Kestrian Deputy Prime Minister Ona Vilks', where the
    small model also reads the adjective as a person), else the first."""
    cut = _CLAUSE.search(source.text)
    end = source.start + cut.start() if cut else source.end
    people = [str(ent.text) for ent in getattr(doc, "ents", ())
              if ent.label_ in ("PERSON", "PER") and source.start <= ent.start_char and ent.end_char <= end
              and not _POSSESSIVE.match(text[ent.end_char:ent.end_char + 3])]
    if speaker is not None and speaker in people:
        return speaker
    return people[0] if people else None


def _named(doc: Any, span: TextSpan) -> bool:
    return _entity(doc, span, {"PERSON", "PER", "ORG", "NORP", "GPE", "FAC", "MISC"}) is not None


_PEOPLE = frozenset(ENGLISH.titles | ENGLISH.anonymous_heads | ENGLISH.org_heads
                    | FRENCH.titles | FRENCH.anonymous_heads | FRENCH.org_heads
                    | SPANISH.titles | SPANISH.anonymous_heads | SPANISH.org_heads
                    | {"people", "residents", "experts", "analysts", "officials", "critics",
                       "sources", "observers", "scientists", "researchers", "economists",
                       "lawmakers", "leaders", "voters", "workers", "parents", "police"})
_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "you", "il", "elle", "ils", "elles",
                       "nous", "él", "ella", "ellos", "ellas", "who", "qui", "quien"})


def _is_thing(doc: Any, a: ParsedAttribution) -> bool:
    """A source that names neither an entity nor a person, group or institution ('the
    agreement', 'the list of delegates'): not a speaker."""
    if a.source is None or a.source.text.isupper():
        return a.source is None  # (a transcript label, 'WALLACE:', names a speaker)
    # the head of the mention: 'the list' of 'the list of Russian delegates'
    head = re.split(r"\s+(?:of|de|du|des|del)\s+", a.source.text, maxsplit=1)[0]
    if _named(doc, TextSpan(a.source.start, a.source.start + len(head), head)):
        return False
    words = [w.lower().strip(".,") for w in head.split()]
    if not words or words[0] in _PRONOUNS or any(w[:1].isupper() for w in head.split()[1:]):
        return False
    return not any(w in _PEOPLE or w.rstrip("s") in _PEOPLE for w in words)


def _rank(doc: Any, a: ParsedAttribution) -> int:
    """How much the source says about who speaks: person > anonymous/group > organisation >
    outlet; a thing ('the agreement') ranks lowest."""
    if a.source is None or _is_thing(doc, a):
        return 0
    return _RANK.get(a.speaker_type, 0)


def _overlap(a: ParsedAttribution, b: ParsedAttribution) -> bool:
    """Their contents share at least half of the shorter one (the same statement)."""
    shared = sum(max(0, min(x.end, y.end) - max(x.start, y.start)) for x in a.content for y in b.content)
    shorter = min(sum(x.end - x.start for x in a.content), sum(y.end - y.start for y in b.content))
    return shorter > 0 and shared / shorter >= 0.5


def _same_speaker(inner: ParsedAttribution, outer: ParsedAttribution) -> bool:
    """Both name the same speaker (a pronoun resolved to it counts) with different mentions."""
    if inner.speaker is None or outer.speaker is None or inner.source is None or outer.source is None:
        return False
    return inner.speaker == outer.speaker and inner.source.start != outer.source.start


def _within(inner: ParsedAttribution, outer: ParsedAttribution) -> bool:
    """Every piece of ``inner``'s content and its source lie inside ``outer``'s content."""
    spans = [*inner.content, *([inner.source] if inner.source is not None else [])]
    return all(any(c.start <= s.start and s.end <= c.end for c in outer.content) for s in spans)


def _inside(inner: ParsedAttribution, outer: ParsedAttribution) -> bool:
    """``inner``'s cue lies inside ``outer``'s content."""
    if inner.cue is None or inner is outer:
        return False
    return any(c.start <= inner.cue.start and inner.cue.end <= c.end for c in outer.content)


_SPEECH = ENGLISH.speech | FRENCH.speech | SPANISH.speech
_ANONYMITY_CUES = ("ask", "spoke", "speak", "declin", "request", "pid")  # (Spanish 'pidió')


def _speaks(doc: Any, a: ParsedAttribution) -> bool:
    """Whether ``a`` reports words (a speech cue, a quotation, a colon or dash), not a plan, a
    belief or an act the outer source tells of ('according to an aide, Clinton plans to ...')."""
    if a.kind == "direct" or a.cue is None or not hasattr(doc, "char_span"):
        return True
    span = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
    if span is None or not any(t.is_alpha for t in span):
        return True
    return any(t.lemma_.lower() in _SPEECH for t in span)


_RELAY = frozenset({"report", "cite", "quote", "rapporter", "citer", "informar", "citar"})


def _relays(doc: Any, a: ParsedAttribution) -> bool:
    """'according to X', 'X reported', 'X quoted ... as saying': a cue that relays words."""
    if a.kind == "according_to":
        return True
    if a.cue is None or not hasattr(doc, "char_span"):
        return False
    span = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
    return span is not None and any(t.lemma_.lower() in _RELAY for t in span)


def _cut_paragraphs(text: str, a: ParsedAttribution) -> ParsedAttribution:
    cue = a.cue.start if a.cue is not None else None
    pieces = []
    for c in a.content:
        breaks = [m for m in _PARAGRAPH.finditer(c.text)]
        if not breaks or cue is None:
            pieces.append(c)
            continue
        if cue >= c.end:  # cue after the content: keep the last paragraph
            start = c.start + breaks[-1].end()
            pieces.append(TextSpan(start, c.end, text[start:c.end]))
        elif cue < c.start:  # cue before: keep the first paragraph
            end = c.start + breaks[0].start()
            pieces.append(TextSpan(c.start, end, text[c.start:end]))
        else:
            pieces.append(c)
    pieces = [p for p in pieces if p.text.strip()]
    return replace(a, content=tuple(pieces)) if pieces else a


def _speaker(text: str, doc: Any, a: ParsedAttribution) -> ParsedAttribution:
    if a.source is None or a.speaker is None:
        return a
    person = _speaking_person(text, doc, a.source, a.speaker)
    if person and person not in a.speaker and a.speaker_type in ("person", "organization"):
        return replace(a, speaker=person, speaker_type="person")
    if a.speaker in text:
        return a
    # the speaker as the article writes it: the mention without determiners or relative clause
    mention = _RELATIVE.sub("", a.source.text).strip(" ,")
    mention = _DETERMINERS.sub("", mention)
    return replace(a, speaker=mention or a.speaker)


def _inner_speech(doc: Any, a: ParsedAttribution) -> ParsedAttribution | None:
    """'According to X, Putin stressed that Y': the named person who speaks inside the
    content of an 'according to' attribution, as an attribution of its own (Putin → Y)."""
    if a.kind != "according_to" or not hasattr(doc, "char_span"):
        return None
    speech = ENGLISH.speech | FRENCH.speech | SPANISH.speech
    for piece in a.content:
        span = doc.char_span(piece.start, piece.end, alignment_mode="expand")
        for tok in span if span is not None else ():
            if tok.lemma_.lower() not in speech or tok.pos_ != "VERB":
                continue
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubj:pass")]
            if not subj or subj[0].ent_type_ not in ("PERSON", "PER"):
                continue
            comp = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp")]
            if comp:
                body = list(comp[0].subtree)
                start, end = body[0].idx, body[-1].idx + len(body[-1].text)
            else:  # a misattached complement ('stressed at the meeting that ...'): after 'that'
                rest = [t for t in span if t.i > tok.i]
                that = next((t for t in rest if t.lower_ in ("that", "que")), None)
                if that is None or that.i + 1 >= span.end:
                    continue
                start, end = doc[that.i + 1].idx, piece.end
            sub = list(subj[0].subtree)
            s0, s1 = sub[0].idx, sub[-1].idx + len(sub[-1].text)
            name = next((e.text for e in doc.ents if e.start <= subj[0].i < e.end), subj[0].text)
            return replace(a, content=(TextSpan(start, end, doc.text[start:end]),),
                           cue=TextSpan(tok.idx, tok.idx + len(tok.text), tok.text),
                           source=TextSpan(s0, s1, doc.text[s0:s1]), speaker=name,
                           speaker_type="person", kind="indirect")
    return None


def resolve(doc: Any, attributions: Sequence[ParsedAttribution]) -> list[ParsedAttribution]:
    """The attributions of ``doc`` after the second pass described in the module docstring."""
    text = str(doc.text)
    outlet = [a for a in attributions if a.kind == "assertion"]
    attributions = [a for a in attributions if a.kind != "assertion"]
    kept = [_cut_paragraphs(text, a) for a in attributions if not _is_label(a)]
    kept += [inner for a in kept if (inner := _inner_speech(doc, a)) is not None
             and not any(k.cue is not None and inner.cue is not None and k.cue.start == inner.cue.start
                         for k in kept)]
    # the anonymity clause of another attribution's source ('a professor who has advised the
    # city, and who asked not to be named, said ...') is no statement
    drop: set[int] = {j for j, a in enumerate(kept) if a.cue is not None
                      and a.cue.text.lower().startswith(_ANONYMITY_CUES) and any(
                          b.source is not None and b is not a
                          and b.source.start <= a.cue.start < b.source.end for b in kept)}
    for i, outer in enumerate(kept):
        for j, inner in enumerate(kept):
            if i == j or i in drop or j in drop:
                continue
            if _inside(inner, outer):
                # a report of a report: the relay gives way to a better-known inner source
                # ('Kim emphasized that ..., Sputnik reported' → Kim); a thing inside a
                # speaker's words ('the agreement implies') is no source; otherwise both
                # stand ('Merrill says that Clinton called for ...': two statements)
                ri, ro = _rank(doc, inner), _rank(doc, outer)
                if (ri > ro or (ri == ro and _relays(doc, outer))) and _speaks(doc, inner):
                    drop.add(i)
                elif ri == 0 and ro > 0:
                    drop.add(j)
                elif _same_speaker(inner, outer):
                    # 'Clarke said he expected to sell its coal for $50 a ton': the speaker's
                    # own 'he expected' is part of the statement, not a second one
                    drop.add(j)
                elif ri <= _RANK["organization"] and ro == _RANK["person"] and not _speaks(doc, inner) \
                        and _within(inner, outer):
                    # 'Kim emphasized that Pyongyang expresses "full support"': what an
                    # institution does inside a person's words is part of them
                    drop.add(j)
            elif i < j and _overlap(inner, outer) and not _inside(outer, inner):
                if _rank(doc, inner) >= _rank(doc, outer):
                    drop.add(i)
                else:
                    drop.add(j)
    out = [_speaker(text, doc, piece) for k, a in enumerate(kept) if k not in drop
           for part in _split_and_that(a) for piece in _split_sentences(doc, part)]
    # a sentence the extractor read as the outlet's own report ('Nobody knows whether ...',
    # 'agreed to be identified') is one, unless another attribution in it says something
    for a in outlet:
        s0, s1 = a.content[0].start, a.content[-1].end
        if not any(c.start < s1 and s0 < c.end for b in out for c in b.content) and \
                not any(b.content[0].start == s0 for b in out if b.kind == "assertion"):
            out.append(a)
    return sorted(out, key=lambda a: (a.content[0].start, a.content[0].end))


_AND_THAT = re.compile(r",?\s+(?:and|but|et|mais|y|pero)\s+(?=(?:that|que|qu['’])\s*)", re.IGNORECASE)


def _split_and_that(a: ParsedAttribution) -> list[ParsedAttribution]:
    """'said an appeal would be filed this week and that she was confident the ban would be
    suspended': two reported propositions, two claims (as the evals label them); not inside a
    quotation."""
    if len(a.content) != 1:
        return [a]
    span = a.content[0]
    cuts = [m for m in _AND_THAT.finditer(span.text)
            if sum(span.text[:m.start()].count(q) for q in "\"“”«»") % 2 == 0]
    if not cuts:
        return [a]
    out, start = [], 0
    for m in [*cuts, None]:
        end = m.start() if m is not None else len(span.text)
        piece = span.text[start:end]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            s0 = span.start + start + lead
            out.append(replace(a, content=(TextSpan(s0, s0 + len(piece), piece),)))
        start = m.end() if m is not None else start
    return out if len(out) > 1 else [a]


_MIN_PIECE_WORDS = 3


def _words(pieces: Sequence[TextSpan]) -> int:
    """Words of the pieces that hold a letter or digit (not a stray quotation mark)."""
    return sum(len(p.text.split()) for p in pieces if any(ch.isalnum() for ch in p.text))


def _split_sentences(doc: Any, a: ParsedAttribution) -> list[ParsedAttribution]:
    """A quotation that goes on after its cue's sentence ('"We have promised the same water
    to three people," said Kowal. "Everybody has a piece of paper. The river does not read
    it."'): one claim per later sentence, as the evals label them (a new sentence is a new
    proposition, and a quote sentence with no cue of its own is its own evidence). What comes
    before the cue, up to the end of the cue's sentence, stays one claim ('"There was no deal.
    There was a list of open questions," he told reporters'); a piece shorter than three
    words stays with its neighbour."""
    if not a.content or a.cue is None:
        return [a]
    groups: list[list[TextSpan]] = []
    for sent in doc.sents:
        lo, hi = sent.start_char, sent.end_char
        pieces = []
        for span in a.content:
            s0, e0 = max(span.start, lo), min(span.end, hi)
            if e0 <= s0:
                continue
            piece = span.text[s0 - span.start:e0 - span.start]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if piece:
                pieces.append(TextSpan(s0 + lead, s0 + lead + len(piece), piece))
        if not pieces:
            continue
        if groups and (lo < a.cue.end or _words(pieces) < _MIN_PIECE_WORDS):
            groups[-1] += pieces  # up to the cue's sentence, or too short to stand alone
        else:
            groups.append(pieces)
    # a leading scrap ('«' before a sentence break) joins the next group
    while len(groups) > 1 and _words(groups[0]) < _MIN_PIECE_WORDS:
        groups[1] = groups[0] + groups[1]
        groups.pop(0)
    if len(groups) < 2:
        return [a]
    return [replace(a, content=tuple(g)) for g in groups]
