"""Cues that are not verbs: a cue noun with its owner ("Trump's claim that ...", "his plan
to ..."), "according to X" (also in the middle of its clause), transcript labels ("WALLACE:
...", a name opening the headline) and quotations signed with a dash ('"Q." ― Maria Lopez').
Each returns a :class:`~summarizer.nlp.finders._Found` like the verb cues of
:mod:`summarizer.nlp.finders`. Internal to :mod:`summarizer.nlp`.
"""

from __future__ import annotations

import re
from typing import Any

from .cues import _Lang
from .finders import DATA_NOUNS, _Found, _is_cue_verb, _short_definite
from .spans import _kind, _lower_lemma, _pieces, _span, _subtree, _text, _tok_end

__all__: list[str] = []

Token = Any  # spacy.tokens.Token
Doc = Any

_DASH_SOURCE = re.compile(r"[^\S\n]*\n?[^\S\n]*[―—–-]{1,2}[^\S\n]*([A-Z][^\n,;:()]{1,60})")
_TRANSCRIPT = re.compile(r"(?m)^[ \t]*[\"“]?([A-Z][A-Za-z.'’\- ]{1,40}?)(?: \([^)\n]{1,30}\))?:[ \t]+(?=\S)")


def _noun_cue(doc: Doc, tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> _Found | None:
    """"Trump's claim that the vote is rigged", "his plan to cut taxes", "her call for an
    inquiry": a cue noun with a possessor and a clause (or 'for' phrase) after it."""
    if tok.pos_ != "NOUN" or _lower_lemma(tok) not in lang.noun_cues:
        return None
    owners = [c for c in tok.children if c.dep_ == "poss"] or _noun_owner(tok)
    if not owners or any(qs < tok.idx < qe for qs, qe in quotes):
        return None
    comps = [c for c in tok.children if c.i > tok.i and (
        (c.dep_ in ("acl", "ccomp") and c.pos_ in ("VERB", "AUX")
         and any(k.dep_ in ("mark", "aux") and k.lower_ in ("that", "to") for k in c.children))
        or (c.dep_ == "prep" and c.lower_ == "for"))]
    if not comps:
        return None
    c = comps[0]
    toks = [t for t in _subtree(c, sent) if not (c.dep_ == "prep" and t.i == c.i)]
    content = _pieces(doc, toks)
    if not content:
        return None
    owner = owners[0]
    src_toks = [t for t in _subtree(owner, sent) if t.dep_ != "case" or t.head.i != owner.i]
    return _Found(content, _span(doc, tok.idx, _tok_end(tok)), owner, src_toks,
                  _kind(doc, content, quotes), "noun", tok)



_LIGHT_VERBS = frozenset({"raise", "have", "express", "voice", "show", "throw", "lend", "offer", "answer", "air"})
_TOPIC_NOUNS = frozenset({"question", "support", "concern", "criticism", "doubt", "objection", "opposition",
                          "praise", "reservation", "fear", "worry", "skepticism", "scepticism", "misgiving"})
_TOPIC_NOUN_PREPS = frozenset({"about", "for", "of", "over", "behind", "to", "on", "regarding"})


def _light_noun_cue(doc: Doc, tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> _Found | None:
    """'Trump is raising questions about his microphone', 'He voiced support for the public
    option', 'organized labor threw its support behind the nominee': a verb with a cue noun
    as its object; the verb's subject holds the view, the noun's topic is the content."""
    if lang.code != "en" or tok.pos_ != "NOUN" or _lower_lemma(tok) not in _TOPIC_NOUNS or tok.dep_ != "dobj":
        return None
    verb = tok.head
    if _lower_lemma(verb) not in _LIGHT_VERBS or any(qs < tok.idx < qe for qs, qe in quotes):
        return None
    subjects = [c for c in verb.children if c.dep_ in lang.subjects and not c.is_punct]
    if not subjects or subjects[0].lower_ in _NO_HOLDER:
        return None
    holder = subjects[0]
    if not (holder.pos_ in ("PROPN", "PRON") or holder.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            or _lower_lemma(holder) in lang.titles | lang.anonymous_heads | lang.org_heads):
        return None  # 'his decision raises questions about ...': a thing holds no view
    preps = _TOPIC_NOUN_PREPS - {"for"} if _lower_lemma(tok) == "question" else _TOPIC_NOUN_PREPS
    prep = next((c for c in [*tok.children, *verb.children]  # 'threw its support behind X': on the verb
                 if c.dep_ == "prep" and c.i > tok.i and c.lower_ in preps), None)
    if prep is None:
        return None
    content = _pieces(doc, [t for t in _subtree(prep, sent) if t.i != prep.i])
    if not content:
        return None
    subj = subjects[0]
    return _Found(content, _span(doc, verb.idx, _tok_end(tok)), subj, _subtree(subj, sent),
                  _kind(doc, content, quotes), "noun", tok)


_ESTIMATE_VERBS = frozenset({"put", "place", "set"})
_ESTIMATE_NOUNS = frozenset({"toll", "number", "figure", "count", "tally", "total", "cost", "bill",
                             "estimate", "loss", "damage", "turnout"})


def _estimate_cue(doc: Doc, tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> _Found | None:
    """'Governor Elena Marsh earlier put the death toll at 12', 'Officials placed the number of
    dead at 30': a figure someone gives is their claim, not the outlet's (a briefing compares
    it across articles with its speaker). The holder is a person, a group or an organisation
    (as for the light-verb cues), and the figure must be a number ('He put the book at the end
    of the shelf' is no estimate)."""
    if lang.code != "en" or tok.pos_ != "NOUN" or tok.dep_ != "dobj" or _lower_lemma(tok) not in _ESTIMATE_NOUNS:
        return None
    verb = tok.head
    if _lower_lemma(verb) not in _ESTIMATE_VERBS or any(qs < tok.idx < qe for qs, qe in quotes):
        return None
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "at" and c.i > tok.i), None)
    if prep is None or not any(t.like_num or t.ent_type_ in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY")
                               for t in prep.subtree):
        return None
    subjects = [c for c in verb.children if c.dep_ in lang.subjects and not c.is_punct]
    if not subjects or subjects[0].lower_ in _NO_HOLDER:
        return None
    holder = subjects[0]
    if not (holder.pos_ in ("PROPN", "PRON") or holder.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            or _lower_lemma(holder) in lang.titles | lang.anonymous_heads | lang.org_heads):
        return None
    content = _pieces(doc, [*_subtree(tok, sent), *_subtree(prep, sent)])
    if not content:
        return None
    return _Found(content, _span(doc, verb.idx, _tok_end(verb)), holder, _subtree(holder, sent),
                  _kind(doc, content, quotes), "noun", tok)


_COPULAS = frozenset({"be", "feel", "seem", "remain", "become", "grow", "appear", "sound", "look", "get"})
_NO_HOLDER = frozenset({"it", "there", "this", "that", "what", "which"})


def _adjective_cue(doc: Doc, tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> _Found | None:
    """'Many Democrats are afraid that ...', 'Graham has been critical of Trump', 'Clinton
    aides were coy about whether ...': an adjective of belief or feeling predicated of its
    holder, with a clause or a topic. Not 'It is clear that ...' (no holder), not 'is sure to
    win' (a prediction about the subject, not its belief)."""
    if tok.pos_ != "ADJ" or tok.dep_ != "acomp" or any(qs < tok.idx < qe for qs, qe in quotes):
        return None
    lemma = _lower_lemma(tok)
    if lemma not in lang.clause_adjectives and lemma not in lang.topic_adjectives:
        return None
    verb = tok.head
    if _lower_lemma(verb) not in _COPULAS:
        return None
    subjects = [c for c in verb.children if c.dep_ in lang.subjects and not c.is_punct]
    if not subjects or subjects[0].lower_ in _NO_HOLDER or subjects[0].ent_type_ in ("DATE", "TIME"):
        return None
    subj = subjects[0]
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in verb.children):
        return None
    if any(_is_cue_verb(a, lang) for a in verb.ancestors):
        return None  # 'said she was confident that ...': part of what the speaker said
    comp = None
    if lemma in lang.clause_adjectives:
        comp = next((c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i), None)
    toks: list[Token] = []
    if comp is not None:
        toks = _subtree(comp, sent)
    elif lemma in lang.topic_adjectives:
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.i > tok.i
                     and c.lower_ in lang.adjective_preps), None)
        if prep is not None:
            toks = [t for t in _subtree(prep, sent) if t.i != prep.i]
            if _short_definite(toks):
                return None  # 'analysts were sceptical of the claim': a reaction (the outlet's report)
    content = _pieces(doc, toks)
    if not content:
        return None
    src_toks = _subtree(subj, sent)
    return _Found(content, _span(doc, tok.idx, _tok_end(tok)), subj, src_toks,
                  _kind(doc, content, quotes), "adjective", tok)


_OWNER_PREPS = frozenset({"from", "by"})


def _noun_owner(tok: Token) -> list[Token]:
    """Who owns a cue noun with no possessor: a name before it ('a New York Times report
    that ...', 'media pronouncements that ...') or a 'from'/'by' phrase after it ('warnings
    from his attorney that ...', 'the decision by the FBI to ...')."""
    names = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i
             and (c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or c.lower_ in ("media", "press"))]
    if names:
        return names[-1:]
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _OWNER_PREPS and c.i > tok.i:
            objs = [k for k in c.children if k.dep_ == "pobj" and k.pos_ in ("NOUN", "PROPN", "PRON")]
            if objs:
                return objs[:1]
    return []


def _according(tok: Token, sent: Any, lang: _Lang) -> _Found | None:
    doc = tok.doc
    for seq in lang.according:
        words = [doc[k].lower_ for k in range(tok.i, min(len(doc), tok.i + len(seq)))]
        if tuple(words) != seq:
            continue
        last = doc[tok.i + len(seq) - 1]
        if lang.code == "en":
            objs = [c for c in last.children if c.dep_ == "pobj"]
            if not objs:
                return None
            src = objs[0]
            phrase = _subtree(tok, sent)
            if _lower_lemma(src) in DATA_NOUNS:
                # 'according to data from the Port Alden Stock Exchange': whoever published it
                preps = [c for c in src.children if c.dep_ == "prep" and c.lower_ in ("from", "by", "of")]
                preps += [a for c in src.children if c.dep_ == "acl" for a in c.children if a.dep_ == "agent"]
                owners = [k for c in preps for k in c.children if k.dep_ == "pobj" and k.pos_ == "PROPN"]
                src = owners[0] if owners else src
        else:
            src = tok.head if tok.head.i > last.i else None
            if src is None or src.pos_ not in ("NOUN", "PROPN", "PRON"):
                return None
            phrase = sorted(set(_subtree(src, sent)) | set(doc[tok.i: last.i + 1]), key=lambda t: t.i)
        # the clause the phrase belongs to: climb to the nearest verb
        h = tok.head if lang.code == "en" else src.head
        while h.pos_ not in ("VERB", "AUX") and h.head.i != h.i and sent.start <= h.head.i < sent.end:
            h = h.head
        ids = {t.i for t in phrase}
        body = [t for t in (_subtree(h, sent) if h.i not in ids else list(sent)) if t.i not in ids]
        content = _pieces(doc, body)
        if not content:
            return None
        src_toks = [t for t in (_subtree(src, sent) if lang.code == "en" else phrase)
                    if t.i > last.i]
        cue = _span(doc, tok.idx, _tok_end(last))
        return _Found(content, cue, src, src_toks, "according_to", "according", tok)
    return None


def _in_phrase(tok: Token, sent: Any, lang: _Lang) -> _Found | None:
    """'In the poll, Clinton led by 5 points' (the poll says so); 'In a statement, the governor
    was more cautious' (the governor, in a statement): an 'in' phrase opening a clause whose
    verb is no cue of its own credits the rest of the clause to the document, or to the
    clause's subject when the noun is an utterance."""
    if tok.lower_ != "in" or tok.dep_ != "prep" or not (lang.in_documents or lang.in_utterances):
        return None
    objs = [c for c in tok.children if c.dep_ == "pobj"]
    head = tok.head
    if not objs or head.pos_ not in ("VERB", "AUX") or head.i < tok.i or not sent.start <= head.i < sent.end:
        return None
    noun = objs[0]
    lemma = _lower_lemma(noun)
    if lemma not in lang.in_documents | lang.in_utterances or _is_cue_verb(head, lang):
        return None
    phrase = {t.i for t in _subtree(tok, sent)}
    if lemma in lang.in_documents:
        src, src_toks = noun, [t for t in _subtree(noun, sent)]
    else:
        subs = [c for c in head.children if c.dep_ in lang.subjects and not c.is_punct]
        if not subs:
            return None
        src, src_toks = subs[0], _subtree(subs[0], sent)
    if lemma in lang.in_utterances:
        phrase |= {t.i for t in src_toks}
    body = [t for t in _subtree(head, sent) if t.i not in phrase]
    content = _pieces(doc := tok.doc, body)
    if not content or sum(not t.is_punct for t in body) < 4:
        return None
    cue = _span(doc, tok.idx, _tok_end(noun))
    return _Found(content, cue, src, src_toks, "indirect", "noun", tok)


def _transcript_cues(doc: Doc, found: list[_Found]) -> list[_Found]:
    """'WALLACE: ...' / 'Mike Pence: ...' at the start of a line: a speaker label."""
    out = []
    covered = [(f.content[0].start, f.content[-1].end) for f in found]
    for m in _TRANSCRIPT.finditer(_text(doc)):
        label = m.group(1).strip()
        words = label.split()
        if not 1 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            continue
        if _dated(doc, m.start(1), m.start(1) + len(label)):
            continue  # 'Next March:', 'This year:', '2016:' date an entry of a timeline
        headline = not _text(doc)[:m.start()].strip()
        if len(words) == 1 and not label.isupper() and not (headline and _propn_at(doc, m.start(1))):
            # 'Published:', 'Photo:', 'Updated:' are captions; 'WALLACE:' speaks, and so does
            # a name that opens the headline ('Pence: Flowers won't be at the debate')
            continue
        if len(words) > 1 and not label.isupper() and not _names_someone(doc, m.start(1), m.end(1)):
            # 'The Gap Goes On: ...', 'Little Relief for Refugees: ...' head a section
            continue
        start = m.end()
        end = _text(doc).find("\n", start)
        end = len(_text(doc)) if end == -1 else end
        body = _text(doc)[start:end].rstrip()
        if len(body.split()) < 3:
            continue
        content = (_span(doc, start, start + len(body)),)
        colon = m.group(0).rstrip().rfind(":") + m.start()
        if any(a <= start and end <= b for a, b in covered):
            continue
        cue = _span(doc, colon, colon + 1)
        label_span = _span(doc, m.start(1), m.start(1) + len(label))
        out.append(_Found(content, cue, None, [], "direct", "transcript", None,
                          source_text=label, label_span=label_span))
    return out


_MONTHS = frozenset("january february march april may june july august september october november december "
                    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
                    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split())


def _dated(doc: Doc, start: int, end: int) -> bool:
    """A label that is a date ('Next March', 'This year', '2016', 'In 1989')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    words = [t.lower_ for t in span]
    return any(t.ent_type_ in ("DATE", "TIME") for t in span) or any(w in _MONTHS for w in words) or \
        any(w.isdigit() and len(w) == 4 for w in words)


_LABEL_DETERMINERS = frozenset({"the", "a", "an", "le", "la", "les", "un", "une", "el", "los", "las"})


def _names_someone(doc: Doc, start: int, end: int) -> bool:
    """A label of several words is a speaker's name: no determiner or verb in it, and a person
    or organisation entity (or proper nouns only) ('Mike Pence:', not 'The Gap Goes On:')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or span[0].lower_ in _LABEL_DETERMINERS or any(t.pos_ in ("VERB", "AUX") for t in span):
        return False
    return any(t.ent_type_ in ("PERSON", "PER", "ORG") for t in span) or all(
        t.pos_ == "PROPN" or t.is_punct for t in span)


def _propn_at(doc: Doc, pos: int) -> bool:
    """A person's or organisation's name starts at ``pos`` (not a place: 'Saint-Aubin :')."""
    span = doc.char_span(pos, pos + 1, alignment_mode="expand")
    if span is None:
        return False
    tok = span[0]
    return tok.ent_type_ in ("PERSON", "PER", "ORG") or (tok.pos_ == "PROPN" and not tok.ent_type_)


def _dash_cues(doc: Doc, quotes: list[tuple[int, int]], found: list[_Found]) -> list[_Found]:
    """'"Q." ― Maria Lopez, a teacher': a quotation signed with a dash and a name."""
    out = []
    taken = {(f.content[0].start, f.content[-1].end) for f in found}
    for qs, qe in quotes:
        m = _DASH_SOURCE.match(_text(doc), qe)
        if m is None or (qs, qe) in taken:
            continue
        name = m.group(1).strip().rstrip(".")
        if not 1 <= len(name.split()) <= 6 or not all(w[:1].isupper() for w in name.split()[:2]):
            continue
        dash = _text(doc).find(m.group(0).strip()[0], qe)
        start = m.start(1)
        out.append(_Found((_span(doc, qs, qe),), _span(doc, dash, dash + 1), None, [], "direct", "dash",
                          None, source_text=name, label_span=_span(doc, start, start + len(name))))
    return out

