"""Cue tables: the words the attribution extractor needs, one :class:`_Lang` per language.

Reporting verbs, verbs of belief and intention, cue nouns, "according to" sequences, pronouns,
hedges, anonymity phrases, organisation heads and titles, as lemmas in lower case. A new
language is a new table here (and a parser entry in :mod:`summarizer.nlp.models`).
Internal to :mod:`summarizer.nlp`; :mod:`summarizer.nlp.attribution` re-exports the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ENGLISH", "FRENCH", "LANGUAGES", "SPANISH"]


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
    # verbs whose object is the content when a document or a count speaks ('polls show a
    # close race', 'the study found 31 cases'), and those documents (head lemmas)
    finding_objects: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    # verbs that report words only next to a quotation or a colon ('"Q," she continued')
    quote_cues: frozenset[str] = frozenset()
    # verbs of answering, whose prepositional phrase is the content ('responded with attacks',
    # 'replied by citing the law'), and those prepositions
    reply_cues: frozenset[str] = frozenset()
    reply_preps: frozenset[str] = frozenset()
    # 'In a statement, ...', 'In the poll, ...': nouns of a document or an utterance that,
    # opening a clause with 'in', credit the clause to it (a document) or to its subject
    in_documents: frozenset[str] = frozenset()
    in_utterances: frozenset[str] = frozenset()
    # 'Democrats are afraid that ...', 'Graham has been critical of Trump': adjectives of a
    # belief or a feeling, with a clause (clause_adjectives) or a topic (topic_adjectives)
    clause_adjectives: frozenset[str] = frozenset()
    topic_adjectives: frozenset[str] = frozenset()
    adjective_preps: frozenset[str] = frozenset()


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
        "boast brag joke quip muse recount acknowledge speculate wonder hint imply "
        "shout yell chant scream echo repeat lament encourage exhort implore"),
    belief=_words(
        "believe think find show know feel fear hope expect worry doubt agree indicate "
        "conclude suspect assume acknowledge contend demonstrate suggest determine estimate "
        "reckon predict rule understand learn realize realise recognize recognise"),
    intent=_words("want plan agree intend hope aim promise vow pledge refuse threaten "
                  "wish propose expect seek decide vote"),
    object_cues=_words("deny confirm call cite support oppose reject propose demand urge "
                       "criticize criticise praise dispute denounce condemn welcome "
                       "acknowledge announce predict question attack describe mention endorse "
                       "blast defend slam discuss promote tout echo reference outline "
                       "detail highlight stress emphasize emphasise promise claim note reveal "
                       "accuse blame charge express reiterate repeat admit concede expect view "
                       "back admire dismiss mock ridicule deride liken compare advocate champion "
                       "decry deplore lambaste castigate disparage belittle insult scorn refute "
                       "rebut contest downplay portray depict characterize characterise brand "
                       "dub label recommend favor favour paint term want"),
    topic_cues=_words("talk speak comment rail complain write testify joke boast brag warn "
                      "argue call lash muse rave reflect lament push press tweet post disagree"),
    topic_preps=_words("about of on for against over"),
    noun_cues=_words("claim statement assertion argument belief view plan promise pledge call "
                     "demand decision agreement warning message suggestion proposal insistence "
                     "allegation accusation charge remark comment vow threat hope fear "
                     "prediction announcement report finding conclusion emphasis determination "
                     "pronouncement admission contention assurance concern"),
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
    finding_objects=_words("show find reveal indicate suggest document estimate put"),
    documents=_words(
        "poll survey study report analysis data figure number record document video footage "
        "audit review research investigation test result average estimate memo letter filing "
        "transcript census tally count model projection return statement"),
    quote_cues=_words("continue"),
    reply_cues=_words("respond reply react"),
    # not 'to': 'did not respond to a request for comment' says nothing (the outlet reports it)
    reply_preps=_words("with by"),
    in_documents=_words("poll survey study report analysis review audit filing ruling "
                        "lawsuit complaint memo letter"),
    in_utterances=_words("statement interview speech remark remarks testimony tweet post "
                         "op-ed column editorial essay address"),
    clause_adjectives=_words(
        "afraid sure convinced confident certain worried concerned aware optimistic pessimistic "
        "hopeful skeptical sceptical doubtful adamant insistent incensed angry upset furious "
        "happy pleased glad disappointed unhappy proud fearful satisfied frustrated alarmed "
        "outraged relieved"),
    topic_adjectives=_words(
        "worried concerned skeptical sceptical optimistic pessimistic confident critical "
        "supportive wary proud angry upset furious unhappy happy pleased disappointed "
        "passionate enthusiastic frustrated outraged fearful doubtful coy adamant vocal "
        "ambivalent dismissive contemptuous"),
    adjective_preps=_words("about of over with on toward towards"),
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
