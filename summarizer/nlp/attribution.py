"""Who said what, read from a spaCy dependency parse: content, cue and source with exact spans.

The regex rules of :mod:`summarizer.analysis.rules` find one source per sentence; a parse finds
every attribution in a sentence and where its content starts and ends. For each token whose
lemma is a cue (a reporting verb, a verb of belief, finding or intention, or "according to"),
the extractor reads

* the **source** from the cue's subject (``nsubj``; the ``agent`` of a passive; the subject
  of the verb it is conjoined to or subordinated to, "..., adding that"; in Spanish a
  dropped subject is the source named before it; a French inverted "a-t-elle");
* the **content**, in this order: a quotation adjacent to the cue ('"Q1. Q2," she added.',
  'he said: "Q"'; it may run over several sentences and paragraphs, and '"Q1," he said,
  "Q2."' gives two pieces); the clausal complement (``ccomp``, "said that ..."; ``xcomp``
  for "wants to", "plans to"); the object of a few verbs ("denied the report", "called for
  talks"); for an inverted cue with no complement ("..., sources said."), the clause it
  hangs on, up to the cue. "According to X, ..." credits the rest of its clause to X (two
  pieces when the phrase sits in the middle).
* transcript labels ("WALLACE: ...") and a cue followed by a colon ('He said:' + the rest
  of the paragraph) are colon cues.

A pronoun, a relative pronoun or a short definite reference ("he", "who", "the senator",
"the ministry") is resolved to the named mention it refers to: the nearest earlier named
source or entity of a compatible kind within a few sentences. Speaker type comes from the
entity label and the parse; hedges are the uncertainty words of the content and cue.

The word lists live in one :class:`_Lang` table per language (English, French, Spanish);
other languages give no attributions.

Usage (any spaCy pipeline with a tagger, a parser and NER; offsets are into ``doc.text``)::

    doc = nlp('Senator Ana Ruiz arrived. "We will not back down," she said.')
    [(a.content[0].text, a.source.text, a.speaker) for a in extract_attributions(doc)]
    # [('"We will not back down,"', 'she', 'Ana Ruiz')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["LANGUAGES", "ParsedAttribution", "TextSpan", "extract_attributions", "quotations"]

Token = Any  # spacy.tokens.Token (spaCy is an optional dependency: no import at module level)
Doc = Any


@dataclass(frozen=True)
class TextSpan:
    """A piece of the article: ``text == article[start:end]`` (global character offsets)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ParsedAttribution:
    """One attribution: ``source`` said (``cue``) ``content``."""

    content: tuple[TextSpan, ...]
    cue: TextSpan | None
    source: TextSpan | None
    speaker: str | None
    speaker_type: str  # person | organization | group | anonymous | outlet
    kind: str  # direct | indirect | according_to
    hedges: tuple[str, ...]
    confidence: float


@dataclass(frozen=True)
class _Lang:
    """The words the extractor needs in one language (lemmas, lower case)."""

    code: str
    speech: frozenset[str]  # reporting verbs: content is a quotation or a clause
    belief: frozenset[str]  # belief, finding, showing: content is a clause only
    intent: frozenset[str]  # wanting, planning, agreeing: content is an infinitive (xcomp)
    object_cues: frozenset[str]  # verbs whose object is the content ("denied the report")
    topic_cues: frozenset[str]  # verbs whose prepositional object is the content ("spoke about")
    topic_preps: frozenset[str]
    noun_cues: frozenset[str]  # "Trump's claim that ...", "his plan to ...", "her call for ..."
    according: tuple[tuple[str, ...], ...]  # word sequences, lower case ("according", "to")
    subjects: frozenset[str]  # dependency labels of the speaking subject
    content_deps: frozenset[str]  # clausal complements
    pronouns: dict[str, str]  # personal pronoun → person | plural | thing | any
    relatives: frozenset[str]
    hedges: frozenset[str]  # lemmas (or lower-case words) that hedge a claim
    hedge_marks: frozenset[str]  # conjunctions that make it conditional ("if")
    anonymous: re.Pattern[str]
    anonymous_heads: frozenset[str]  # "a source", "an official": unnamed singular person
    org_heads: frozenset[str]  # heads that name an institution, a document or a medium
    titles: frozenset[str]  # "senator", "minister": a short reference to a named person
    dropped_subject: bool = False  # Spanish: '«...», afirmó.' credits the source before


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


ENGLISH = _Lang(
    code="en",
    speech=_words(
        "say tell add explain stress emphasize emphasise note argue warn claim deny insist "
        "write report announce state acknowledge admit urge predict suggest confirm estimate "
        "counter reply respond maintain assert contend allege recall caution point conclude "
        "declare testify tweet post ask complain concede vow promise pledge threaten "
        "reiterate remark observe describe mention reveal disclose assure accuse blame charge "
        "criticize criticise praise question insist predict forecast announce inform remind "
        "boast brag joke quip muse recount acknowledge speculate wonder hint imply"),
    belief=_words(
        "believe think find show know feel fear hope expect worry doubt agree indicate "
        "conclude suspect assume acknowledge contend demonstrate suggest determine estimate "
        "reckon predict rule"),
    intent=_words("want plan agree intend hope aim promise vow pledge refuse threaten "
                  "wish propose expect"),
    object_cues=_words("deny confirm call cite support oppose reject propose demand urge "
                       "criticize criticise praise dispute denounce condemn welcome "
                       "acknowledge announce predict question attack describe mention endorse "
                       "blast defend slam discuss promote"),
    topic_cues=_words("talk speak comment rail complain write testify joke boast brag warn "
                      "argue call lash muse rave reflect lament push press tweet post"),
    topic_preps=_words("about of on for against over"),
    noun_cues=_words("claim statement assertion argument belief view plan promise pledge call "
                     "demand decision agreement warning message suggestion proposal insistence "
                     "allegation accusation charge remark comment vow threat hope fear "
                     "prediction announcement"),
    according=(("according", "to"),),
    subjects=frozenset({"nsubj"}),
    content_deps=frozenset({"ccomp"}),
    pronouns={"he": "person", "she": "person", "i": "person", "they": "plural", "we": "plural",
              "it": "thing", "you": "any", "his": "person", "her": "person", "their": "plural",
              "its": "thing", "my": "person", "our": "plural"},
    relatives=frozenset({"who", "which", "that", "whom"}),
    hedges=_words("may might could would possibly perhaps reportedly allegedly apparently "
                  "likely unlikely probably believe think suggest expect estimate appear seem "
                  "suspect claim allege purportedly presumably potentially"),
    hedge_marks=frozenset({"if", "whether", "unless"}),
    anonymous=re.compile(r"anonymity|not to be (?:named|identified)|not authori[sz]ed|declined "
                         r"to be (?:named|identified)|on condition|who asked not|unnamed|"
                         r"anonymous", re.IGNORECASE),
    anonymous_heads=_words("source official aide insider person spokesman spokeswoman "
                           "spokesperson staffer employee adviser advisor diplomat expert "
                           "analyst officer member resident witness insider"),
    org_heads=_words(
        "agency ministry bank court union association council government times newspaper "
        "paper magazine network channel station company federation board committee department "
        "office university hospital police party authority commission institute center "
        "centre group coalition exchange service corporation campaign administration "
        "organization organisation firm team report study poll survey analysis research "
        "data review document memo letter statement release filing lawsuit complaint ruling "
        "post journal gazette press media outlet website site blog foundation fund "
        "congress senate house parliament cabinet council assembly army military navy "
        "pentagon embassy state city county school college"),
    titles=_words(
        "senator sen. president minister secretary governor gov. mayor spokesman "
        "spokeswoman spokesperson chairman chairwoman chair director judge justice general "
        "candidate nominee congressman congresswoman representative rep. leader ambassador "
        "prosecutor attorney lawyer chief officer commissioner professor researcher author "
        "founder ceo executive official aide adviser advisor analyst expert economist "
        "coach player actor singer star host anchor reporter writer editor"),
)

FRENCH = _Lang(
    code="fr",
    speech=_words(
        "dire déclarer affirmer expliquer souligner assurer indiquer ajouter rappeler "
        "dénoncer reconnaître avertir annoncer préciser confirmer juger insister prévenir "
        "répondre marteler regretter promettre nier démentir contester critiquer admettre "
        "raconter plaider défendre qualifier accuser prédire conclure écrire estimer "
        "lancer confier observer noter relever signaler témoigner répliquer poursuivre "
        "commenter résumer avancer soutenir prétendre"),
    belief=_words("penser croire estimer considérer trouver montrer savoir craindre espérer "
                  "juger douter révéler constater"),
    intent=_words("vouloir souhaiter prévoir compter envisager refuser promettre décider"),
    object_cues=_words("nier démentir confirmer dénoncer critiquer réclamer demander exiger "
                       "annoncer défendre qualifier accuser"),
    topic_cues=_words("parler évoquer plaider"),
    topic_preps=_words("de sur pour contre"),
    noun_cues=frozenset(),
    according=(("selon",), ("d'", "après"), ("d’", "après")),
    subjects=frozenset({"nsubj"}),
    content_deps=frozenset({"ccomp"}),
    pronouns={"il": "person", "elle": "person", "je": "person", "ils": "plural",
              "elles": "plural", "nous": "plural", "on": "any", "-il": "person",
              "-elle": "person", "-ils": "plural", "-elles": "plural", "-on": "any"},
    relatives=frozenset({"qui", "que", "lequel", "laquelle"}),
    hedges=_words("pouvoir devoir sembler paraître probablement peut-être possiblement "
                  "apparemment vraisemblablement croire penser estimer supposer prétendument"),
    hedge_marks=frozenset({"si"}),
    anonymous=re.compile(r"anonymat|ne pas être (?:nommé|identifié|cité)|sous couvert",
                         re.IGNORECASE),
    anonymous_heads=_words("source responsable proche conseiller expert habitant témoin "
                           "fonctionnaire membre"),
    org_heads=_words(
        "mairie conseil service ministère gouvernement entreprise association comité parti "
        "syndicat banque université hôpital police agence institut préfecture région "
        "journal rapport étude sondage commission tribunal cour ville département"),
    titles=_words("maire ministre président présidente directeur directrice porte-parole "
                  "adjoint adjointe conseiller conseillère préfet préfète député députée "
                  "sénateur sénatrice secrétaire"),
)

SPANISH = _Lang(
    code="es",
    speech=_words(
        "decir afirmar asegurar declarar explicar señalar indicar sostener acusar negar "
        "recordar advertir defender calificar anunciar confirmar añadir agregar subrayar "
        "insistir criticar denunciar admitir reconocer estimar opinar prometer reiterar "
        "destacar apuntar aclarar lamentar alertar exigir responder replicar manifestar "
        "expresar comentar informar concluir predecir prever precisar relatar contar "
        "argumentar matizar puntualizar"),
    belief=_words("creer pensar considerar estimar mostrar saber temer esperar dudar "
                  "revelar constatar"),
    intent=_words("querer planear pretender prever proponer rechazar prometer decidir"),
    object_cues=_words("negar confirmar denunciar criticar exigir pedir reclamar anunciar "
                       "defender calificar acusar"),
    topic_cues=_words("hablar abogar"),
    topic_preps=_words("de sobre por contra"),
    noun_cues=frozenset(),
    according=(("según",), ("de", "acuerdo", "con")),
    subjects=frozenset({"nsubj"}),
    content_deps=frozenset({"ccomp"}),
    pronouns={"él": "person", "ella": "person", "yo": "person", "ellos": "plural",
              "ellas": "plural", "nosotros": "plural", "nosotras": "plural"},
    relatives=frozenset({"que", "quien", "quienes", "cual", "cuales"}),
    hedges=_words("poder deber parecer probablemente quizá quizás posiblemente "
                  "presuntamente supuestamente aparentemente creer pensar estimar suponer"),
    hedge_marks=frozenset({"si"}),
    anonymous=re.compile(r"anonimato|no ser (?:identificad|nombrad|citad)|sin identificar",
                         re.IGNORECASE),
    anonymous_heads=_words("fuente responsable portavoz experto vecino testigo funcionario "
                           "miembro"),
    org_heads=_words(
        "ayuntamiento ministerio gobierno empresa asociación plataforma comisión partido "
        "sindicato banco universidad hospital policía tribunal equipo agencia instituto "
        "consejo diario periódico informe estudio encuesta concejalía junta"),
    titles=_words("alcalde alcaldesa ministro ministra presidente presidenta portavoz "
                  "concejal concejala director directora secretario secretaria diputado "
                  "diputada senador senadora consejero consejera"),
    dropped_subject=True,
)

LANGUAGES: dict[str, _Lang] = {"en": ENGLISH, "fr": FRENCH, "es": SPANISH}

_OPEN, _CLOSE = "“«„", "”»"
_EDGE_PUNCT = set(",;:—–-()[]") | {"--"}
_QUOTE_CHARS = set('"“”«»„') | {"''", "``"}
_ADJACENT_BEFORE = re.compile(r"^[\s,.;:!?—–\-]*$")  # quote → cue: '"Q," he said'
_ADJACENT_AFTER = re.compile(r"^[\s,:;—–\-]*$")  # cue → quote: 'he said: "Q"'
_CONTINUED = re.compile(r"^[\s,.:;—–\-]*$")
_DASH_SOURCE = re.compile(r"[ \t]*\n?[ \t]*[―—–-]{1,2}[ \t]*([A-Z][^\n,;:()]{1,60})")
_TRANSCRIPT = re.compile(r"(?m)^[ \t]*[\"“]?([A-Z][A-Za-z.'’\- ]{1,40}?)(?: \([^)\n]{1,30}\))?:[ \t]+(?=\S)")
_LOOKBACK_SENTENCES = 4
_FIRST_SECOND = frozenset({"i", "we", "you", "je", "nous", "vous", "yo", "nosotros", "nosotras",
                           "usted", "ustedes"})
_PERSON_LABELS = frozenset({"PERSON", "PER"})
_ORG_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC", "MISC"})


# -- small helpers ---------------------------------------------------------------------------


def quotations(text: str) -> list[tuple[int, int]]:
    """Quotation spans ``(start, end)`` including their marks, paragraph by paragraph.

    Curly and angle marks pair as opening/closing; straight double quotes alternate. A
    quotation still open at the end of a paragraph closes there (a quote that runs over
    several paragraphs reopens each one).

    >>> t = 'He said "no." Then: “Yes. Maybe,” she said.'
    >>> [t[a:b] for a, b in quotations(t)]
    ['"no."', '“Yes. Maybe,”']
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for para in re.split(r"(\n+)", text):
        if para.startswith("\n"):
            pos += len(para)
            continue
        opened: int | None = None
        straight = False
        skip = False
        for i, ch in enumerate(para):
            if skip:
                skip = False
                continue
            double = para.startswith("''", i)  # '' for " (as some wires and archives write it)
            if ch == '"' or double:
                skip = double
                width = 2 if double else 1
                if opened is None:
                    opened, straight = pos + i, True
                elif straight:
                    out.append((opened, pos + i + width))
                    opened = None
            elif opened is None and (ch in _OPEN or (ch in _CLOSE and (i == 0 or para[i - 1].isspace())
                                                     and para[i + 1: i + 2].isalnum())):
                opened, straight = pos + i, False  # (a '”' that opens a paragraph: a typo for '“')
            elif ch in _CLOSE and opened is not None and not straight:
                out.append((opened, pos + i + 1))
                opened = None
        if opened is not None:
            end = pos + len(para.rstrip())
            if end - opened > 1:
                out.append((opened, end))
        pos += len(para)
    return out


def _span(doc: Doc, start: int, end: int) -> TextSpan:
    return TextSpan(start, end, _text(doc)[start:end])


def _tok_end(tok: Token) -> int:
    return int(tok.idx + len(tok.text))


def _is_punct(tok: Token) -> bool:
    return bool(tok.is_punct or tok.text in _QUOTE_CHARS or tok.is_space)


def _pieces(doc: Doc, toks: Iterable[Token], *, keep_quotes: bool = True) -> tuple[TextSpan, ...]:
    """Contiguous runs of ``toks`` as spans, edge punctuation stripped (quote marks kept
    when their partner is inside the run)."""
    ordered = sorted({t.i: t for t in toks}.values(), key=lambda t: t.i)
    runs: list[list[Token]] = []
    for t in ordered:
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        while run and (run[0].text in _EDGE_PUNCT or run[0].is_space or run[0].text in "'’"):
            run = run[1:]
        while run and (run[-1].text in _EDGE_PUNCT or run[-1].text in ".!" or run[-1].is_space):
            run = run[:-1]
        if keep_quotes:
            text = "".join(t.text_with_ws for t in run)
            if run and run[0].text in _QUOTE_CHARS and _quote_balance(text) > 0:
                run = run[1:]
            text = "".join(t.text_with_ws for t in run)
            if run and run[-1].text in _QUOTE_CHARS and _quote_balance(text) < 0:
                run = run[:-1]
        while run and (run[0].text in _EDGE_PUNCT or run[0].is_space):
            run = run[1:]
        while run and (run[-1].text in _EDGE_PUNCT or run[-1].is_space):
            run = run[:-1]
        if run and not all(_is_punct(t) for t in run):
            out.append(_span(doc, run[0].idx, _tok_end(run[-1])))
    return tuple(out)


def _quote_balance(text: str) -> int:
    """Opening minus closing marks (straight quotes: +1 when odd)."""
    curly = sum(text.count(c) for c in _OPEN) - sum(text.count(c) for c in _CLOSE)
    return curly + ((text.count('"') + text.count("''")) % 2)


def _subtree(tok: Token, sent: Any) -> list[Token]:
    """``tok``'s subtree within its sentence and its paragraph (a caption or heading the
    parser glued to the sentence is left out)."""
    text = _text(tok.doc)
    lo = text.rfind("\n", 0, tok.idx) + 1
    hi = text.find("\n", tok.idx)
    hi = len(text) if hi == -1 else hi
    return [t for t in tok.subtree if sent.start <= t.i < sent.end and lo <= t.idx < hi]


def _lower_lemma(tok: Token) -> str:
    return str(tok.lemma_ or tok.text).lower()


# -- mentions and resolution -------------------------------------------------------------


@dataclass
class _Mention:
    start: int
    end: int
    name: str
    kind: str  # person | organization | group


def _core(head: Token) -> list[Token]:
    """The head noun with its name parts and modifiers before it, without relative clauses,
    appositions and prepositional tails."""
    keep = [head]
    for child in head.children:
        if child.i < head.i and child.dep_ not in ("punct", "cc", "relcl", "acl", "appos", "case"):
            keep.extend(child.subtree)
        elif child.i > head.i and child.dep_ in ("flat", "flat:name", "compound", "fixed") \
                or (child.i > head.i and child.dep_ in ("appos", "nmod") and child.pos_ == "PROPN"
                    and child.i == head.i + 1):
            keep.extend(child.subtree)
    return sorted(set(keep), key=lambda t: t.i)


def _clean_name(toks: Sequence[Token], lang: _Lang) -> str:
    words = [t for t in toks if not (_is_punct(t) and t.text in _QUOTE_CHARS)]
    while words and words[0].is_punct:
        words = words[1:]
    while words and words[0].pos_ == "DET" and len(words) > 1 and \
            words[0].lower_ in ("the", "a", "an", "le", "la", "les", "l'", "el", "los", "las"):
        words = words[1:]
    while words and words[-1].is_punct:
        words = words[:-1]
    if not words:
        return ""
    # the article's own characters between the first and last word ('Beijing-based' stays whole)
    text = _text(words[0].doc)[words[0].idx:_tok_end(words[-1])]
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def _mention(head: Token, toks: Sequence[Token]) -> list[Token]:
    """The source mention without relative clauses and participles ('Fuentes de la empresa,
    que pidieron ...' → 'Fuentes de la empresa'; 'Su portavoz, Lucía Ferrer' kept whole)."""
    drop: set[int] = set()
    for t in toks:
        if t.dep_ in ("relcl", "acl", "acl:relcl", "advcl", "parataxis") and t.i != head.i:
            drop.update(k.i for k in t.subtree)
    return [t for t in toks if t.i not in drop]


def _entity_in(doc: Doc, toks: Sequence[Token], head: Token | None = None, *,
               within: Sequence[Token] | None = None) -> Any | None:
    """The PERSON/ORG-like entity inside ``toks`` (and wholly inside ``within``, when given,
    so that an entity running past the mention, 'Según Quiroga', is not taken): the one
    holding ``head``, else the first person, else the first other."""
    ids = {t.i for t in toks}
    inside = {t.i for t in within} if within is not None else None
    hits = [e for e in _ents(doc) if e.label_ in _PERSON_LABELS | _ORG_LABELS
            and any(t.i in ids for t in e) and (inside is None or all(t.i in inside for t in e))]
    if head is not None:
        for ent in hits:
            if ent.start <= head.i < ent.end:
                return ent
    people = [e for e in hits if e.label_ in _PERSON_LABELS]
    return (people or hits or [None])[0]


def _strip_titles(name: str, lang: _Lang) -> str:
    """'Mayor Ana Ruiz' → 'Ana Ruiz' (a title before a name of two words or more)."""
    words = name.split()
    while len(words) > 2 and words[0].lower().rstrip(".") in {t.rstrip(".") for t in lang.titles}:
        words = words[1:]
    return " ".join(words)


def _text(doc: Doc) -> str:
    """``doc.text`` (joined anew by spaCy on every access), read once per doc."""
    text = doc.user_data.get("_attribution_text")
    if text is None:
        text = doc.user_data["_attribution_text"] = doc.text
    return str(text)


def _ents(doc: Doc) -> tuple[Any, ...]:
    """``doc.ents`` (rebuilt by spaCy on every access), read once per doc."""
    cached = doc.user_data.get("_attribution_ents")
    if cached is None:
        cached = doc.user_data["_attribution_ents"] = tuple(doc.ents)
    return tuple(cached)


def _entity_kind(label: str) -> str:
    return "person" if label in _PERSON_LABELS else "organization"


class _Resolver:
    """Named mentions seen so far (entities and named sources), newest last."""

    def __init__(self, doc: Doc, lang: _Lang) -> None:
        self.doc, self.lang = doc, lang
        self.sources: list[_Mention] = []
        self.entities = [
            _Mention(e.start_char, e.end_char, e.text.strip(), _entity_kind(e.label_))
            for e in _ents(doc) if e.label_ in _PERSON_LABELS | {"ORG", "NORP"}
        ]
        self.sent_starts = sorted(s.start_char for s in doc.sents)

    def _window_start(self, pos: int) -> int:
        import bisect

        k = bisect.bisect_right(self.sent_starts, pos) - 1
        return self.sent_starts[max(0, k - _LOOKBACK_SENTENCES)] if self.sent_starts else 0

    def add(self, m: _Mention) -> None:
        self.sources.append(m)

    def compatible(self, pos: int, want: str, *, title: str | None = None) -> _Mention | None:
        """Nearest named source, else entity, before ``pos`` of kind ``want``
        (person | plural | thing | any), within the look-back window."""
        lo = self._window_start(pos)

        def ok(m: _Mention) -> bool:
            if not lo <= m.start < pos:
                return False
            if title is not None:
                return self._titled(m, title)
            if want == "person":
                return m.kind == "person"
            if want == "thing":
                return m.kind == "organization"
            if want == "plural":
                return m.kind in ("organization", "group")
            return True

        for pool in (self.sources, self.entities):
            best = [m for m in pool if ok(m)]
            if best:
                return max(best, key=lambda m: m.start)
        return None

    def _titled(self, m: _Mention, title: str) -> bool:
        """'Senator John Smith' for 'the senator'; 'the Foreign Ministry' for 'the ministry'."""
        before = _text(self.doc)[max(0, m.start - 40):m.start].lower()
        return title in m.name.lower().split() or bool(
            re.search(rf"\b{re.escape(title)}\W+(?:\w+\W+){{0,2}}$", before))


# -- the extractor -----------------------------------------------------------------------


@dataclass
class _Found:
    content: tuple[TextSpan, ...]
    cue: TextSpan | None
    source_head: Token | None
    source_toks: list[Token]
    kind: str
    strategy: str
    cue_tok: Token | None
    inherited_from: Token | None = None
    source_text: str | None = None  # transcript labels (no token)
    label_span: TextSpan | None = None


def extract_attributions(doc: Doc, *, language: str = "en") -> list[ParsedAttribution]:
    """Every attribution in ``doc`` (a parsed spaCy ``Doc`` of the whole article), sorted by
    where its content starts; empty for a language with no cue table."""
    lang = LANGUAGES.get(language)
    if lang is None:
        return []
    quotes = quotations(_text(doc))
    found: list[_Found] = []
    taken_cues: set[int] = set()
    for sent in doc.sents:
        for tok in sent:
            if tok.i in taken_cues:
                continue
            acc = _according(tok, sent, lang)
            if acc is not None:
                found.append(acc)
                taken_cues.update(range(tok.i, tok.i + 3))
                continue
            f = _verb_cue(doc, tok, sent, lang, quotes) or _noun_cue(doc, tok, sent, lang, quotes)
            if f is not None and lang.anonymous.search(" ".join(c.text for c in f.content)) \
                    and len(f.content[-1].text.split()) <= 8:
                continue  # '(who) asked not to be named' describes a source, says nothing
            if f is not None:
                found.append(f)
                taken_cues.add(tok.i)
    found.extend(_transcript_cues(doc, found))
    found.extend(_dash_cues(doc, quotes, found))
    found = _dedupe(found)
    found.sort(key=lambda f: (f.content[0].start, f.content[0].end))
    return _finish(doc, found, lang)


def _is_cue_verb(tok: Token, lang: _Lang) -> str | None:
    """'speech' | 'belief' | 'intent' | None."""
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
        return None
    if tok.dep_ in ("amod", "compound", "det"):
        return None
    lemma = _lower_lemma(tok)
    if lemma in lang.speech:
        return "speech"
    if lemma in lang.belief:
        return "belief"
    if lemma in lang.intent or lemma in lang.object_cues:
        return "intent"
    if lemma in lang.topic_cues:
        return "topic"
    return None


def _source_of(tok: Token, lang: _Lang, sent: Any) -> tuple[Token | None, Token | None]:
    """(subject head, the verb it was inherited from)."""
    for child in tok.children:
        if child.dep_ in lang.subjects and child.text not in _QUOTE_CHARS and not child.is_punct:
            return child, None
    for child in tok.children:  # passive: 'was told by X'
        if child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0], None
    if lang.code == "fr":  # 'a-t-elle ajouté'
        for aux in tok.children:
            for c in aux.children:
                if c.text.lower() in lang.pronouns and c.text.startswith("-"):
                    return c, None
    # '..., adding that', 'said and added', 'agreed to': the subject of the verb it hangs on
    cur = tok
    for _ in range(3):
        head = cur.head
        if cur.dep_ not in ("conj", "advcl", "xcomp") or head.i == cur.i:
            break
        if head.pos_ not in ("VERB", "AUX"):
            break
        for child in head.children:
            if child.dep_ in lang.subjects and child.text not in _QUOTE_CHARS and not child.is_punct:
                return child, head
        cur = head
    if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN") and tok.tag_ == "VBG":
        # 'Trump unleashed tweets criticizing ...': whoever issued the noun; else the noun
        # itself ('a statement saying ...')
        owner = tok.head.head
        if tok.head.dep_ in ("dobj", "obj") and owner.pos_ in ("VERB", "AUX"):
            for child in owner.children:
                if child.dep_ in lang.subjects and not child.is_punct:
                    return child, owner
        return tok.head, tok.head
    # French/Spanish parses often read an inverted subject as an object or modifier:
    # '», a déclaré la maire Hélène Marchetti.'
    if lang.code != "en":
        prev = tok.doc[tok.left_edge.i - 1] if tok.left_edge.i > sent.start else None
        if prev is not None and (prev.text in ",»”\"" or prev.is_punct):
            for child in tok.children:
                if child.i > tok.i and child.dep_ in ("obj", "nmod", "obl", "appos", "nsubj") \
                        and child.pos_ in ("NOUN", "PROPN", "PRON"):
                    return child, None
    return None, None


def _has_own_cue(doc: Doc, end: int) -> bool:
    """A quotation followed in its sentence by a reporting verb ('"Q3," a resident said'):
    it has a speaker of its own, so it does not continue the previous speaker's quote."""
    sent_end = min((m.start() for m in re.finditer(r"[.!?\n]", _text(doc)[end:])), default=None)
    stop = end + (sent_end if sent_end is not None else 0)
    span = doc.char_span(end, stop, alignment_mode="expand") if stop > end else None
    if span is None:
        return False
    speech = ENGLISH.speech | FRENCH.speech | SPANISH.speech
    return any(t.pos_ == "VERB" and t.lemma_.lower() in speech for t in span)


def _adjacent_quotes(doc: Doc, lo: int, hi: int, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotations right before ``lo`` or right after ``hi`` (only punctuation between)."""
    out = []
    text = _text(doc)
    before = False
    for qs, qe in quotes:
        if qe <= lo and _ADJACENT_BEFORE.match(text[qe:lo]) and "\n" not in text[qe:lo]:
            out.append((qs, qe))
            before = True
        elif qs >= hi and (_ADJACENT_AFTER.match(text[hi:qs]) or (before and _CONTINUED.match(text[hi:qs]))) \
                and text[hi:qs].count("\n") <= (2 if before else 1) \
                and (text[hi:qs].strip() or text[qs - 1: qs] == " ") \
                and not (before and _has_own_cue(doc, qe)):
            out.append((qs, qe))  # '"Q1," she said. "Q2."': the same speaker goes on
    return out


def _verb_cue(doc: Doc, tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> _Found | None:
    cls = _is_cue_verb(tok, lang)
    if cls is None:
        return None
    lemma = _lower_lemma(tok)
    subj, inherited = _source_of(tok, lang, sent)
    if subj is not None and "\n" in _text(doc)[min(subj.idx, tok.idx):max(subj.idx, tok.idx)]:
        subj, inherited = None, None  # a heading or a dateline glued to the sentence
    if subj is None and cls == "speech":
        misparsed = _inverted_acl(doc, tok, sent, quotes)
        if misparsed is not None:
            return misparsed
    if subj is None and not lang.dropped_subject:
        return None  # 'trying to', 'It was reported that': no one to credit
    if any(qs < tok.idx < qe for qs, qe in quotes):
        # a cue inside a quotation: the quoted speaker's own 'I think', 'who want to'
        if cls != "speech" or (subj is not None and subj.lower_ in _FIRST_SECOND):
            return None
    if subj is not None and (subj.lower_ == "there" or subj.tag_ == "POS" or subj.is_punct):
        return None  # 'there said', a stray "'s": no speaker
    src_toks = _subtree(subj, sent) if subj is not None and inherited is None else \
        (_subtree(subj, sent) if subj is not None else [])
    if subj is not None and inherited is None and any(t.i == tok.i for t in src_toks):
        return None
    # the cue phrase: the verb, its auxiliaries and (when next to it) its subject
    phrase = [tok] + [c for c in tok.children if c.dep_ in ("aux", "aux:tense", "neg", "advmod")
                      and abs(c.i - tok.i) <= 3]
    if subj is not None and inherited is None:
        phrase += src_toks
    lo = min(t.idx for t in phrase)
    hi = max(_tok_end(t) for t in phrase)
    cue_span = _span(doc, tok.idx, _tok_end(tok))
    # 1. an adjacent quotation (speech verbs only)
    if cls == "speech":
        adj = _adjacent_quotes(doc, lo, hi, quotes)
        adj = [q for q in adj if len(_text(doc)[q[0]:q[1]].split()) >= 3 or _inside_ccomp(tok, q)]
        if adj:
            content = tuple(_span(doc, a, b) for a, b in sorted(adj))
            return _Found(content, cue_span, subj, src_toks, "direct", "quote", tok, inherited)
    # 2. the clausal complement
    deps = set(lang.content_deps)
    if cls == "intent" or lemma in lang.intent:
        deps |= {"xcomp"}
    comps = [c for c in tok.children if c.dep_ in deps and c.pos_ != "PUNCT"]
    if not comps and cls == "speech":
        # 'told a meeting of leaders that few people understood ...': the that-clause read as
        # a relative clause of the object
        comps = [r for c in tok.children if c.dep_ in ("dobj", "obj") for r in c.children
                 if r.dep_ == "relcl" and any(k.dep_ == "mark" and k.lower_ == "that" for k in r.children)]
    if comps:
        toks = [t for c in comps for t in _subtree(c, sent)]
        content = _pieces(doc, toks)
        if content:
            content = _extend_to_quote(doc, content, quotes, tok.idx)
            return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                          "complement", tok, inherited)
    # 3. the object of a verb like 'deny', 'call (for)'
    if lemma in lang.object_cues:
        objs = [c for c in tok.children if c.i > tok.i and (
            c.dep_ in ("dobj", "obj", "iobj") or (c.dep_ == "prep" and c.lower_ == "for"))]
        if objs and subj is not None:
            toks = [t for c in objs for t in _subtree(c, sent)]
            toks += [t for c in tok.children if c.dep_ in ("oprd", "xcomp") for t in _subtree(c, sent)]
            content = _pieces(doc, toks)
            if content:
                return _Found(content, cue_span, subj, src_toks, "indirect", "object", tok, inherited)
    # 4. the prepositional object of a verb like 'spoke about', 'called for'
    if lemma in lang.topic_cues or lemma in lang.speech:
        preps = [c for c in tok.children if c.i > tok.i and c.dep_ in ("prep", "obl")
                 and c.lower_ in lang.topic_preps]
        if lang.code != "en":
            preps = [c for c in tok.children if c.i > tok.i and c.dep_ in ("obl", "obl:arg")
                     and any(k.dep_ == "case" and k.lower_ in lang.topic_preps for k in c.children)]
        if preps and subj is not None:
            p = preps[0]
            toks = [t for t in _subtree(p, sent) if not (t.i == p.i and lang.code == "en")]
            toks = [t for t in toks if t.i > p.i] if lang.code == "en" else toks
            content = _pieces(doc, toks)
            if content:
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes), "topic",
                              tok, inherited)
    if subj is None and not lang.dropped_subject:
        return None
    # 5. inverted, no complement: '..., sources said.' hangs on the clause it reports
    head = tok.head
    if cls == "speech" and head.i != tok.i and head.i < tok.i and tok.dep_ in (
            "parataxis", "ccomp", "advcl", "conj", "advmod", "dep", "xcomp"):
        left = [t for t in _subtree(head, sent) if t.i < tok.left_edge.i]
        between = _text(doc)[_tok_end(left[-1]) if left else lo:lo] if left else ""
        if left and "," in between + "".join(t.text for t in left[-2:]):
            content = _pieces(doc, left)
            if content:
                content = _extend_to_quote(doc, content, quotes, tok.idx)
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                              "inverted", tok, inherited)
    if subj is None:
        return None
    # 6. a parenthetical cue: 'The benefit, it says, would be $300.'
    if cls == "speech" and tok.dep_ == "parataxis" and head.i != tok.i and head.i > tok.i:
        cue_ids = {t.i for t in tok.subtree}
        toks = [t for t in _subtree(head, sent) if t.i not in cue_ids]
        before = doc[tok.left_edge.i - 1] if tok.left_edge.i > sent.start else None
        if (tok.left_edge.text == "," or (before is not None and before.text == ",")) and toks:
            content = _pieces(doc, toks)
            if content:
                return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes),
                              "inverted", tok, inherited)
    # 7. a cue that ends in a colon: the rest of the paragraph
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if cls == "speech" and nxt is not None and nxt.text == ":":
        start = _tok_end(nxt)
        para_end = _text(doc).find("\n", start)
        para_end = len(_text(doc)) if para_end == -1 else para_end
        text = _text(doc)[start:para_end]
        stripped = text.strip()
        if stripped:
            a = start + text.index(stripped)
            content = (_span(doc, a, a + len(stripped)),)
            return _Found(content, cue_span, subj, src_toks, _kind(doc, content, quotes), "colon",
                          tok, inherited)
    return None


def _inverted_acl(doc: Doc, tok: Token, sent: Any, quotes: list[tuple[int, int]]) -> _Found | None:
    """'The deal is off, a senior official who asked not to be named said.' parsed with
    'said' as a modifier of 'official': the noun is the source, the clause before the comma
    the content."""
    noun = tok.head
    if tok.dep_ not in ("acl", "relcl") or noun.i >= tok.i or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    if tok.tag_ not in ("VBD", "VBN", "VBZ") or any(c.dep_ in ("dobj", "ccomp", "obj") for c in tok.children):
        return None
    left = noun.left_edge
    if left.i <= sent.start or doc[left.i - 1].text != ",":
        return None
    cue_ids = {t.i for t in tok.subtree}
    src_toks = [t for t in _subtree(noun, sent) if t.i not in cue_ids]
    content = _pieces(doc, [t for t in sent if t.i < left.i - 1])
    if not content:
        return None
    content = _extend_to_quote(doc, content, quotes, tok.idx)
    return _Found(content, _span(doc, tok.idx, _tok_end(tok)), noun, src_toks,
                  _kind(doc, content, quotes), "inverted", tok)


def _noun_cue(doc: Doc, tok: Token, sent: Any, lang: _Lang, quotes: list[tuple[int, int]]) -> _Found | None:
    """"Trump's claim that the vote is rigged", "his plan to cut taxes", "her call for an
    inquiry": a cue noun with a possessor and a clause (or 'for' phrase) after it."""
    if tok.pos_ != "NOUN" or _lower_lemma(tok) not in lang.noun_cues:
        return None
    owners = [c for c in tok.children if c.dep_ == "poss"]
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


def _inside_ccomp(tok: Token, q: tuple[int, int]) -> bool:
    return any(c.dep_ in ("ccomp", "parataxis") and q[0] <= c.idx < q[1] for c in tok.children)


def _extend_to_quote(doc: Doc, content: tuple[TextSpan, ...], quotes: list[tuple[int, int]],
                     cue_at: int) -> tuple[TextSpan, ...]:
    """A complement that starts or ends inside a quotation opened in an earlier sentence
    takes the whole quotation (unless the cue is inside it: 'I think' within a quote)."""
    a, b = content[0].start, content[-1].end
    for qs, qe in quotes:
        if qs <= cue_at < qe:
            continue
        if qs < a < qe <= b + 2 or (qs <= a and b <= qe and qe - qs < 3 * (b - a) + 400):
            if qs < a and (qe >= b - 2):
                return (_span(doc, qs, max(qe, b)),)
    return content


def _kind(doc: Doc, content: tuple[TextSpan, ...], quotes: list[tuple[int, int]]) -> str:
    total = sum(s.end - s.start for s in content)
    quoted = sum(max(0, min(s.end, qe) - max(s.start, qs)) for s in content for qs, qe in quotes)
    return "direct" if total and quoted / total >= 0.8 else "indirect"


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


def _transcript_cues(doc: Doc, found: list[_Found]) -> list[_Found]:
    """'WALLACE: ...' / 'Mike Pence: ...' at the start of a line: a speaker label."""
    out = []
    covered = [(f.content[0].start, f.content[-1].end) for f in found]
    for m in _TRANSCRIPT.finditer(_text(doc)):
        label = m.group(1).strip()
        words = label.split()
        if not 1 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            continue
        if len(words) == 1 and not label.isupper():
            continue  # 'Published:', 'Photo:', 'Updated:' are captions; 'WALLACE:' speaks
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


def _dedupe(found: list[_Found]) -> list[_Found]:
    """One attribution per (content, source): a cue conjoined to another with the same
    content ('said and added') keeps the first."""
    seen: set[tuple[int, int, int]] = set()
    out = []
    for f in found:
        key = (f.content[0].start, f.content[-1].end,
               f.source_head.i if f.source_head is not None else -1)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


# -- speakers ------------------------------------------------------------------------------


def _head_kind(doc: Doc, head: Token, toks: Sequence[Token], lang: _Lang) -> tuple[str, str | None]:
    """(speaker type, entity name) of a source mention that is not a pronoun."""
    text = "".join(t.text_with_ws for t in toks)
    core = _core(head)
    ent = _entity_in(doc, _mention(head, toks), head, within=toks)
    if ent is not None and ent.label_ not in _PERSON_LABELS and head.pos_ != "PROPN" \
            and not any(t.i in {c.i for c in core} for t in ent):
        ent = None  # 'the list of Russian delegates' is a list, not 'Russian'
    has_propn = any(t.pos_ == "PROPN" for t in core)
    lemma = _lower_lemma(head)
    if lang.anonymous.search(text) and not (ent is not None and ent.label_ in _PERSON_LABELS):
        return "anonymous", None
    if ent is not None:
        kind = _entity_kind(ent.label_)
        if kind == "organization" and head.pos_ != "PROPN" and lemma not in lang.org_heads and \
                _plural(head):
            return "group", None  # 'Chinese analysts' (NORP-led group)
        if kind == "person" and lemma in lang.org_heads and ent.root.i != head.i:
            kind = "organization"  # "Trump's campaign"
        return kind, _strip_titles(ent.text.strip(), lang)
    if lemma in lang.org_heads or head.lower_ in lang.org_heads:
        return "organization", None
    if has_propn:
        return "person", None
    if lemma == "source" or lemma == "fuente":
        return "anonymous", None
    if _plural(head):
        return "group", None
    dets = [c.lower_ for c in head.children if c.dep_ in ("det", "nummod")]
    if lemma in lang.anonymous_heads and any(d in ("a", "an", "another", "one", "un", "une", "una")
                                             for d in dets):
        return "anonymous", None
    if any(d in ("a", "an", "another", "un", "une", "una") for d in dets):
        return "anonymous", None
    return "person", None


def _plural(tok: Token) -> bool:
    return tok.tag_ in ("NNS", "NNPS") or "Number=Plur" in str(tok.morph)


def _finish(doc: Doc, found: list[_Found], lang: _Lang) -> list[ParsedAttribution]:
    resolver = _Resolver(doc, lang)
    out: list[ParsedAttribution] = []
    # resolve in text order of the source mention, so that earlier named sources are known
    order = sorted(range(len(found)), key=lambda k: _source_pos(found[k]))
    results: dict[int, ParsedAttribution] = {}
    for k in order:
        f = found[k]
        results[k] = _resolve(doc, f, lang, resolver)
    for k in range(len(found)):
        out.append(results[k])
    return out


def _source_pos(f: _Found) -> int:
    if f.source_head is not None:
        return int(f.source_head.idx)
    if f.cue is not None:
        return f.cue.start
    return f.content[0].start


def _hedges(doc: Doc, f: _Found, lang: _Lang) -> tuple[str, ...]:
    spans = [(s.start, s.end) for s in f.content]
    if f.cue is not None:
        spans.append((f.cue.start, f.cue.end))
    words: list[str] = []
    toks = []
    for a, b in sorted(spans):
        span = doc.char_span(a, b, alignment_mode="expand")
        toks.extend(span if span is not None else [])
    for tok in toks:
        lemma, low = _lower_lemma(tok), tok.lower_
        hit = None
        if tok.pos_ in ("PROPN", "NOUN"):
            continue  # 'in May', 'a claim'
        if low in lang.hedges or (lemma in lang.hedges and tok.pos_ in ("VERB", "AUX", "ADV")):
            hit = low
        elif low in lang.hedge_marks and tok.dep_ in ("mark", "advmod"):
            hit = low
        elif lang.code == "en" and low == "expected" and doc[tok.i + 1: tok.i + 2].text.lower() == "to":
            hit = "expected to"
        if hit and hit not in words:
            words.append(hit)
    return tuple(words)


def _resolve(doc: Doc, f: _Found, lang: _Lang, resolver: _Resolver) -> ParsedAttribution:
    hedges = _hedges(doc, f, lang)
    confidence = {"quote": 0.9, "complement": 0.85, "according": 0.85, "object": 0.6,
                  "inverted": 0.7, "colon": 0.65, "transcript": 0.75, "dash": 0.75, "topic": 0.6, "noun": 0.55}[f.strategy]
    label_span = f.label_span
    if f.source_text is not None and label_span is not None:
        name = f.source_text
        kind = "person" if name.isupper() or len(name.split()) >= 2 else "person"
        resolver.add(_Mention(label_span.start, label_span.end, name.title() if name.isupper() else name, kind))
        return ParsedAttribution(f.content, f.cue, label_span, name, kind, f.kind, hedges, confidence)
    head = f.source_head
    if head is None:
        # Spanish dropped subject: the source named before it
        pos = f.cue.start if f.cue is not None else f.content[0].start
        m = resolver.compatible(pos, "any")
        if m is not None and f.cue_tok is not None and "Person=3" in str(f.cue_tok.morph):
            return ParsedAttribution(f.content, f.cue, None, m.name, m.kind, f.kind, hedges,
                                     round(confidence - 0.25, 2))
        return ParsedAttribution(f.content, f.cue, None, None, "anonymous", f.kind, hedges,
                                 round(confidence - 0.4, 2))
    toks = [t for t in f.source_toks if not _is_punct(t)] or [head]
    source = _pieces(doc, toks, keep_quotes=False)
    source_span = _span(doc, source[0].start, source[-1].end) if source else None
    low = head.lower_
    # a relative pronoun: the noun the clause hangs on
    if low in lang.relatives and head.pos_ == "PRON" and f.cue_tok is not None:
        ante = f.cue_tok.head if f.cue_tok.dep_ in ("relcl", "acl", "acl:relcl") else None
        if ante is not None and ante.pos_ in ("NOUN", "PROPN"):
            kind, ent = _head_kind(doc, ante, _core(ante), lang)
            name = ent or _clean_name(_core(ante), lang)
            return ParsedAttribution(f.content, f.cue, source_span, name, kind, f.kind, hedges,
                                     round(confidence - 0.05, 2))
        return ParsedAttribution(f.content, f.cue, source_span, None, "anonymous", f.kind, hedges,
                                 round(confidence - 0.35, 2))
    if low in lang.pronouns and head.pos_ in ("PRON", "X", "DET"):
        want = lang.pronouns[low]
        if want == "any" and low in ("we", "nous", "nosotros", "nosotras"):
            want = "plural"
        m = resolver.compatible(head.idx, want)
        if m is None and want == "plural":
            m = resolver.compatible(head.idx, "person") if low in ("we",) else None
        if m is not None:
            return ParsedAttribution(f.content, f.cue, source_span, m.name, m.kind, f.kind, hedges,
                                     round(confidence - 0.1, 2))
        kind = {"person": "person", "thing": "organization"}.get(want, "group")
        return ParsedAttribution(f.content, f.cue, source_span, None, kind, f.kind, hedges,
                                 round(confidence - 0.35, 2))
    kind, ent = _head_kind(doc, head, toks, lang)
    core = _core(head)
    name = ent or _clean_name(_mention(head, [t for t in toks if t.dep_ != "appos" or t.i < head.i])
                              if lang.code != "en" else core, lang)
    if ent is None and head.pos_ == "PROPN":
        name = _strip_titles(name, lang)
    named_apposition = [c for c in head.children if c.i > head.i and c.pos_ == "PROPN"
                        and c.dep_ in ("appos", "nmod", "flat", "compound")]
    if ent is None and head.pos_ == "NOUN" and named_apposition and kind != "organization":
        # 'La concejala Marta Iglesias', 'the spokeswoman, Lena Fischer': the name
        name = _clean_name(_mention(named_apposition[0], list(named_apposition[0].subtree)), lang)
        kind = "person"
    # a short definite reference: 'the senator', 'the ministry', 'the campaign'
    dets = [c for c in head.children if c.dep_ == "det"]
    if ent is None and head.pos_ == "NOUN" and len(core) <= 3 and dets and \
            dets[0].lower_ in ("the", "this", "le", "la", "l'", "el", "la") and not _plural(head):
        m = resolver.compatible(head.idx, "any", title=_lower_lemma(head))
        if m is not None:
            return ParsedAttribution(f.content, f.cue, source_span, m.name, m.kind, f.kind, hedges,
                                     round(confidence - 0.1, 2))
        confidence -= 0.15
    if kind in ("person", "organization") and (ent is not None or any(t.pos_ == "PROPN" for t in core)):
        if source_span is not None:
            resolver.add(_Mention(source_span.start, source_span.end, name, kind))
    elif kind == "group":
        if source_span is not None:
            resolver.add(_Mention(source_span.start, source_span.end, name, "group"))
    else:
        confidence -= 0.1
    return ParsedAttribution(f.content, f.cue, source_span, name, kind, f.kind, hedges,
                             round(max(0.05, confidence), 2))
