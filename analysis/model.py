"""The theme model: a scikit-learn style estimator that groups answers into themes.

The default representation is sentence embeddings (all-MiniLM-L6-v2 on the CPU, see
:mod:`analysis.embeddings`); TF-IDF with truncated SVD (latent semantic analysis) is the
fallback when the embedding packages are missing, and TF-IDF always supplies each
theme's keywords. Short answers are embedded together with the question's text when the
question is known, so that "more" under "What should we have more of?" means something.

Each answer is split into its points (:mod:`analysis.points`); the answer's vector is
the length-weighted mean of its points' vectors. Answers are clustered by
:func:`analysis.cluster.cluster`, each answer's *primary* theme is its cluster, and
every other theme one of its points is clearly about is added as a further theme, so
the second point of "...Also, ..." is not lost.

Themes are described by a phrase residents wrote (:mod:`analysis.labels`), keywords,
quotes with near-identical answers grouped (:mod:`analysis.duplicates`), and a count of
answers not in English (:mod:`analysis.language`). Everything is seeded by
``random_state``: the same answers always give the same themes.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from analysis.cluster import FloatArray, IntArray, choose_k, cluster, distinct_rows, without_slivers
from analysis.duplicates import duplicate_groups, duplicate_key
from analysis.labels import Label, PhraseIndex
from analysis.language import language_of
from analysis.memo import once_per_text, reading_once
from analysis.points import split_points, without_opener
from analysis.redact import redact
from analysis.stance import Statements, stances, theme_stance
from analysis.text import SurfaceForms, as_text, is_meaningless, normalise, tokenise, tokenise_clauses
from analysis.welsh import for_reading

__all__ = [
    "UNASSIGNED",
    "Described",
    "Theme",
    "ThemeModel",
    "describe",
    "other_themes",
    "pick_quotes",
    "theme_keywords",
    "theme_label",
    "theme_stances",
]

UNASSIGNED = "unassigned"
# The largest random_state: the engine adds small offsets to it for its starts and looks,
# and scikit-learn takes seeds below 2**32.
MAX_RANDOM_STATE = 2**31 - 1
# Points of this many words or fewer are also embedded after the question's text; their
# vector is the sum of the two (docs/analysis.md, "The question").
SHORT_ANSWER_WORDS = 3
# A point raises a further theme when that theme is the point's nearest, the point is
# clearly closer to it than to its answer's main theme (by OTHER_THEME_MARGIN cosine),
# and it is not far from the theme's own answers: at least OTHER_THEME_FLOOR times the
# similarity of the theme's 10th-percentile answer (a point is shorter than an answer,
# so it sits a little further from every centre).
OTHER_THEME_PERCENTILE = 10.0
OTHER_THEME_FLOOR = 0.8
OTHER_THEME_MARGIN = 0.1
# ...and only to a theme that is the main theme of more than this share of answers (and of
# at least 3):
# on the demo a closing sentence ("It really matters to us.") made a 3-answer theme of its
# own, which then collected that sentence from 35 other answers.
OTHER_THEME_MIN_SHARE = 0.01
# ...or, when there are so many themes that 1% is more than half the average theme's share
# (over 50 themes), of more than this fraction of the average theme: with 89 themes of
# tweets the average is 1.1%, and "more than 1%" had ruled out most of them.
OTHER_THEME_OF_AVERAGE = 0.5
# How many next-best labels are tried before accepting one that is a whole answer.
WHOLE_ANSWER_RETRIES = 5
# A whole answer may still be a label when it is a common expression rather than one
# resident's words: at most COMMON_WORDS words, at least COMMON_ELSEWHERE other answers
# of the theme write it inside longer ones, and it speaks for the theme (it is in at
# least COMMON_SHARE as many answers as the theme's most distinctive word): "Waiting
# time" where half the answers about waiting say "waiting time", but not "More staff"
# where most answers praise the staff.
COMMON_ELSEWHERE = 5
COMMON_SHARE = 0.5
COMMON_WORDS = 3


@dataclass
class Theme:
    """One theme as officers see it; quotes are always redacted.

    ``size`` counts every answer that raises the theme (as its main theme or a further
    one); ``primary`` counts those whose main theme it is. ``mentions`` is how many of
    the ``size`` answers mention ``key_phrase``. ``quote_counts[i]`` is how many of the
    theme's answers are ``quotes[i]`` or almost the same text; ``duplicates`` lists the
    groups of identical or near-identical answers (two or more) with their counts.
    """

    id: str
    label: str
    keywords: list[str]
    size: int
    quotes: list[str] = field(default_factory=list)
    quote_counts: list[int] = field(default_factory=list)
    key_phrase: str = ""
    mentions: int = 0
    primary: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    not_english: int = 0
    #: What the theme is about, in an officer's words ("" until one writes it).
    description: str = ""
    #: How many of the answers that raise it support, oppose, are mixed or take no side
    #: (an answer with several points by its points about this theme; adds up to ``size``).
    stance: dict[str, int] = field(default_factory=dict)
    #: Two sentences about support and opposition ("Most who raised this …", "A minority
    #: …"): machine-drafted unless ``statements_by_officer``.
    statements: list[str] = field(default_factory=list)
    statements_by_officer: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "primary": self.primary,
            "key_phrase": self.key_phrase,
            "mentions": self.mentions,
            "quotes": list(self.quotes),
            "quote_counts": list(self.quote_counts),
            "duplicates": [dict(d) for d in self.duplicates],
            "not_english": self.not_english,
            "description": self.description,
            "stance": dict(self.stance),
            "statements": list(self.statements),
            "statements_by_officer": self.statements_by_officer,
        }


# Answers scored against their theme's centre at a time (ThemeModel._scores).
_SCORE_SLICE = 8192


def _word_tokens(text: str) -> list[str]:
    # The tokenizer of word vectorizers pickled before 2026-12-07 (latest), which made
    # their two-word terms across clauses: kept so that stored analyses still load.
    return list(_tokens_once(text))  # a copy: the memo's own stays as it was


def _word_terms(text: str) -> list[str]:
    """The word vectorizer's terms of an answer: its tokens, and each pair of tokens next
    to each other within a clause ("keep drop" of "keeps dropping out, please make it
    faster", never "drop make"; :func:`analysis.text.tokenise_clauses`)."""
    return list(_terms_once(text))  # a copy: the memo's own stays as it was


@once_per_text
def _terms_once(text: str) -> tuple[str, ...]:
    pairs = (f"{a} {b}" for clause in tokenise_clauses(text) for a, b in pairwise(clause))
    return (*_tokens_once(text), *pairs)


@once_per_text
def _tokens_once(text: str) -> tuple[str, ...]:
    return tuple(tokenise(text))


def _word_vectorizer(min_df: int, max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=_word_terms,
        lowercase=False,
        sublinear_tf=True,
        min_df=min_df,
        max_df=1.0,
        max_features=max_features,
        dtype=np.float32,
    )


def _char_vectorizer(min_df: int, max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        preprocessor=normalise,
        ngram_range=(3, 5),
        sublinear_tf=True,
        min_df=min_df,
        max_features=max_features,
        dtype=np.float32,
    )


def _fit_vectorizer(make: Any, texts: Sequence[str], min_df: int, max_features: int) -> Any:
    """Fit a vectorizer, relaxing min_df for tiny inputs; None when no features exist."""
    for df in dict.fromkeys((min_df, 1)):
        vec = make(df, max_features)
        try:
            vec.fit(texts)
        except ValueError:  # empty vocabulary
            continue
        return vec
    return None


def redacted(texts: Sequence[str]) -> list[str]:
    """``texts`` with personal details removed: labels, key phrases and keywords are
    made from these, so a name or an email address never becomes a label."""
    return [redact(as_text(t)) for t in texts]


def theme_keywords(
    word_matrix: Any, labels: IntArray, n_themes: int, vocabulary: Sequence[str], top: int = 10
) -> list[list[str]]:
    """Distinctive terms per theme by class-based TF-IDF (a term's weight in the theme
    against how common it is across all themes)."""
    if word_matrix is None or n_themes == 0 or word_matrix.shape[1] == 0:
        return [[] for _ in range(n_themes)]
    rows = np.flatnonzero(labels >= 0)
    onehot = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (labels[rows], rows)), shape=(n_themes, word_matrix.shape[0])
    )
    counts = np.asarray((onehot @ word_matrix).todense(), dtype=np.float64)
    totals = counts.sum(axis=0)
    avg = counts.sum() / max(n_themes, 1)
    idf = np.log1p(avg / np.maximum(totals, 1e-12))
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)
    weights = tf * idf
    out: list[list[str]] = []
    for t in range(n_themes):
        order = np.argsort(-weights[t], kind="stable")
        out.append([vocabulary[i] for i in order[:top] if weights[t, i] > 0])
    return out


def theme_label(keywords: Sequence[str], surface: SurfaceForms, n_words: int = 3) -> str:
    """The old keyword label ("Opening hours, Sunday"), kept for models saved before
    phrase labels; new themes are labelled by :class:`analysis.labels.PhraseIndex`."""
    chosen: list[str] = []
    for term in keywords:
        words = surface.word(term)
        if any(words in c or c in words for c in chosen):
            chosen = [words if (c in words) else c for c in chosen]
            chosen = list(dict.fromkeys(chosen))
            continue
        chosen.append(words)
        if len(chosen) >= n_words:
            break
    if not chosen:
        return "Other answers"
    label = ", ".join(chosen[:n_words])
    return label[0].upper() + label[1:]


def pick_quotes(
    texts: Sequence[str],
    members: IntArray,
    similarity: FloatArray,
    n_quotes: int,
    redacted: bool = True,
    groups: IntArray | None = None,
) -> tuple[list[str], list[int]]:
    """Answers nearest the theme's centre, redacted, one per group of near-identical
    answers, with how many of ``members`` each stands for. Mid-length answers are
    preferred because one-word and essay answers make poor quotes."""
    order = members[np.argsort(-similarity[members], kind="stable")]
    counts: dict[int, int] = {}
    if groups is not None:
        for g in groups[members].tolist():
            counts[g] = counts.get(g, 0) + 1
    seen: set[str] = set()
    seen_groups: set[int] = set()
    good: list[tuple[str, int]] = []
    fallback: list[tuple[str, int]] = []
    for i in order.tolist():
        text = " ".join(str(texts[i]).split())
        key = normalise(text).strip(" .!")
        group = int(groups[i]) if groups is not None else -1 - i
        if not key or key in seen or group in seen_groups:
            continue
        seen.add(key)
        seen_groups.add(group)
        n_words = len(text.split())
        item = (redact(text) if redacted else text, counts.get(group, 1))
        (good if 3 <= n_words <= 60 else fallback).append(item)
        if len(good) >= n_quotes:
            break
    chosen = (good + fallback)[:n_quotes]
    return [q for q, _ in chosen], [c for _, c in chosen]


def other_themes(
    point_vectors: FloatArray,
    point_owner: IntArray,
    primary: IntArray,
    centres: FloatArray,
    scores: FloatArray,
    usable: npt.NDArray[np.bool_] | None = None,
    raised_by: dict[tuple[int, int], list[int]] | None = None,
) -> dict[int, list[tuple[int, float]]]:
    """Further themes of answers with several points: answer row -> [(theme, score)].
    With ``raised_by``, also fills it: (answer row, theme) -> the points (positions in
    ``point_vectors``) that raise it.

    A point raises a theme other than its answer's primary one when that theme is the
    point's nearest, the point is clearly closer to it than to the primary theme, and
    it is not far from the theme's own answers (see ``OTHER_THEME_*``; ``scores`` are
    answers' similarities to their primary theme's centre). ``usable`` marks themes that
    may be raised.
    """
    n_themes = len(centres)
    out: dict[int, list[tuple[int, float]]] = {}
    if n_themes < 2 or len(point_vectors) == 0:
        return out
    sizes = np.bincount(primary[primary >= 0], minlength=n_themes)
    share = min(OTHER_THEME_MIN_SHARE, OTHER_THEME_OF_AVERAGE / n_themes)
    big_enough = (sizes >= 3) & (sizes > share * sizes.sum())
    usable = big_enough if usable is None else (usable & big_enough)
    floors = np.ones(n_themes, dtype=np.float32)
    for t in range(n_themes):
        own = scores[primary == t]
        if len(own):
            floors[t] = OTHER_THEME_FLOOR * float(np.percentile(own, OTHER_THEME_PERCENTILE))
    sims = point_vectors.astype(np.float32) @ centres.T.astype(np.float32)
    sims[:, ~usable] = -2.0
    best = sims.argmax(axis=1)
    for p, (owner, theme) in enumerate(zip(point_owner.tolist(), best.tolist(), strict=True)):
        score = float(sims[p, theme])
        own_theme = int(primary[owner])
        if own_theme < 0 or theme == own_theme or score < floors[theme]:
            continue
        if score - float(sims[p, own_theme]) < OTHER_THEME_MARGIN:
            continue
        found = out.setdefault(owner, [])
        if raised_by is not None:
            raised_by.setdefault((owner, theme), []).append(p)
        for j, (t, s) in enumerate(found):
            if t == theme:
                found[j] = (t, max(s, score))
                break
        else:
            found.append((theme, score))
    for found in out.values():
        found.sort(key=lambda ts: -ts[1])
    return out


@dataclass
class Described:
    """What :func:`describe` needs about the answers; one per fit or codebook state."""

    texts: Sequence[str]
    primary: IntArray  # theme index per answer, -1 for none
    scores: FloatArray  # similarity to the primary theme's centre
    others: dict[int, list[tuple[int, float]]]
    groups: IntArray | None
    languages: Sequence[str]
    words: Any  # answers' word TF-IDF rows, or None
    vocabulary: Sequence[str]
    phrases: PhraseIndex | None
    surface: SurfaceForms
    # The answers' points (see other_themes), to read each point's stance; None for a
    # model saved before they were kept.
    point_owner: IntArray | None = None
    raised_by: dict[tuple[int, int], list[int]] | None = None


def theme_stances(
    about: Described, n: int, stance: Sequence[str], clean: Sequence[str], question: str | None
) -> list[tuple[dict[str, int], Statements]]:
    """Each of the ``n`` themes' split by stance and its two drafted sentences, over every
    answer that raises it, so the split adds up to the theme's size ("13 people raised
    this", "Most who raised this (11 of 13)"). ``stance`` is each whole answer's.

    An answer with a further theme is read point by point: for the further theme, the
    points that raise it; for its main theme, its other points. ("The wifi keeps
    dropping. Also open on Sundays": a complaint about the wifi, a suggestion about
    Sundays, not one mixed answer under both.) Its example is those points, redacted."""
    entries: list[list[tuple[str, str, float]]] = [[] for _ in range(n)]  # (stance, example, typical)
    by_points = _point_readings(about, stance, question)

    def entry(row: int, t: int, typical: float) -> tuple[str, str, float]:
        said, text = by_points.get((row, t), (stance[row], clean[row]))
        return said, text, typical

    for row, t in enumerate(about.primary.tolist()):
        if t >= 0:
            entries[t].append(entry(row, t, float(about.scores[row])))
    for row, found in sorted(about.others.items()):
        for t, score in found:
            entries[t].append(entry(row, t, float(score)))
    return [theme_stance(e) for e in entries]


def _point_readings(
    about: Described, stance: Sequence[str], question: str | None
) -> dict[tuple[int, int], tuple[str, str]]:
    """(answer row, theme) -> (stance, redacted text) of the points of that answer about
    that theme, for answers with further themes (see :func:`theme_stances`)."""
    if about.raised_by is None or about.point_owner is None or not about.raised_by:
        return {}
    owner = about.point_owner.tolist()
    start: dict[int, int] = {}
    count: Counter[int] = Counter(owner)
    for p, row in enumerate(owner):
        start.setdefault(row, p)
    by_row: dict[int, list[tuple[int, list[int]]]] = {}
    for (row, t), found in about.raised_by.items():
        by_row.setdefault(row, []).append((t, found))
    wanted: dict[tuple[int, int], str] = {}
    for row in sorted(by_row):
        points = split_points(str(about.texts[row]))
        if len(points) != count[row] or about.primary[row] < 0:
            continue  # not as it was embedded: read the whole answer
        taken: set[int] = set()
        for t, found in by_row[row]:
            at = sorted(p - start[row] for p in found)
            taken.update(at)
            wanted[(row, t)] = " ".join(points[i] for i in at)
        rest = [points[i] for i in range(len(points)) if i not in taken]
        if rest:
            wanted[(row, int(about.primary[row]))] = " ".join(rest)
    keys = list(wanted)
    read = stances([wanted[k] for k in keys], question, [about.languages[r] for r, _ in keys])
    # A point may start mid-sentence ("open on Sundays", after "Also,"): quoted, it starts
    # with a capital.
    shown = [text[:1].upper() + text[1:] for text in redacted([wanted[k] for k in keys])]
    return {k: (s, text) for k, s, text in zip(keys, read, shown, strict=True)}


def _not_a_whole_answer(about: Described, own: IntArray, taken: list[str]) -> Label:
    """The theme's best label that is not somebody's whole answer: labels are public on
    "You said, we did", and an answer is public only once an officer has chosen to show
    it. A common expression that some residents wrote as their whole answer may still be
    the label (:data:`COMMON_ELSEWHERE`). (On very short answers every phrase may be a
    whole answer; then the best is kept.)"""
    assert about.phrases is not None
    phrases: PhraseIndex = about.phrases
    whole = Counter(duplicate_key(str(about.texts[row])) for row in own.tolist())

    def private(label: Label) -> bool:
        """Somebody's whole answer, and not a common expression that speaks for the theme."""
        key = duplicate_key(label.text)
        if key not in whole:
            return False
        common = (
            label.mentions - whole[key] >= COMMON_ELSEWHERE
            and len(label.phrase.split()) <= COMMON_WORDS
            and label.mentions >= COMMON_SHARE * phrases.main_word(own)
        )
        return not common

    first = chosen = phrases.label(own, taken)
    skipped = list(taken)
    for _ in range(WHOLE_ANSWER_RETRIES):
        if not private(chosen):
            return chosen
        plain = chosen.without_modal()
        if plain is not None and not private(plain):
            # "Could not have done better" is some residents' whole answer, but when many
            # others write it inside longer ones it is an expression, not their words; the
            # phrase without its verb already qualified as this theme's label.
            elsewhere = chosen.mentions - whole[duplicate_key(chosen.text)] >= COMMON_ELSEWHERE
            return chosen if elsewhere else plain
        skipped.append(chosen.phrase)
        other = phrases.label(own, skipped)
        if not other.mentions:
            break
        chosen = other
    return chosen if not private(chosen) else first


def describe(
    about: Described,
    theme_ids: Sequence[str],
    n_quotes: int,
    officer_labels: Sequence[str | None] | None = None,
    redacted: bool = True,
) -> list[Theme]:
    """Themes with label, key phrase, keywords, sizes, quotes and duplicate groups."""
    n = len(theme_ids)
    keywords = theme_keywords(about.words, about.primary, n, about.vocabulary)
    members_of: list[list[int]] = [[] for _ in range(n)]
    for row, t in enumerate(about.primary.tolist()):
        if t >= 0:
            members_of[t].append(row)
    raised: list[list[int]] = [list(m) for m in members_of]
    for row, found in about.others.items():
        for t, _ in found:
            raised[t].append(row)
    # The biggest theme chooses its label first, so two themes never share one.
    order = sorted(range(n), key=lambda t: (-len(raised[t]), t))
    labels: dict[int, tuple[str, str, int]] = {}
    taken: list[str] = []
    for t in order:
        # A label says what the theme's own answers (those whose main theme it is) say;
        # its mentions count every answer that raises the theme.
        rows = np.array(sorted(raised[t]), dtype=np.int64)
        own = np.array(members_of[t], dtype=np.int64)
        officer = officer_labels[t] if officer_labels is not None else None
        if officer:
            mentions = about.phrases.mentions(rows, officer) if about.phrases is not None else 0
            labels[t] = (officer, officer.lower(), mentions)
        elif about.phrases is not None and len(own):
            chosen = _not_a_whole_answer(about, own, taken)
            extra = np.setdiff1d(rows, own)  # answers that raise it as a further theme
            mentions = chosen.mentions + (about.phrases.mentions(extra, chosen.phrase) if len(extra) else 0)
            labels[t] = (chosen.text, chosen.phrase, mentions)
        else:
            labels[t] = (theme_label(keywords[t], about.surface), "", 0)
        taken.append(labels[t][1] or labels[t][0].lower())
    themes = []
    for t in range(n):
        members = np.array(members_of[t], dtype=np.int64)
        quotes, counts = pick_quotes(about.texts, members, about.scores, n_quotes, redacted, about.groups)
        dupes: list[dict[str, Any]] = []
        if about.groups is not None and len(members):
            sizes: dict[int, list[int]] = {}
            for row in members.tolist():
                sizes.setdefault(int(about.groups[row]), []).append(row)
            for group in sorted(sizes.values(), key=lambda r: (-len(r), r[0])):
                if len(group) < 2 or len(dupes) >= 5:
                    break
                best = max(group, key=lambda r: (float(about.scores[r]), -r))
                text = " ".join(str(about.texts[best]).split())
                dupes.append({"text": redact(text) if redacted else text, "count": len(group)})
        label, phrase, mentions = labels[t]
        themes.append(
            Theme(
                id=theme_ids[t],
                label=label,
                keywords=[about.surface.word(k) for k in keywords[t]],
                size=len(raised[t]),
                quotes=quotes,
                quote_counts=counts,
                key_phrase=phrase,
                mentions=mentions,
                primary=len(members),
                duplicates=dupes,
                not_english=sum(1 for r in raised[t] if about.languages[r] != "en"),
            )
        )
    return themes


class ThemeModel(BaseEstimator, ClusterMixin, TransformerMixin):
    """Cluster free-text answers into themes.

    Parameters
    ----------
    k : int or "auto"
        Number of themes; "auto" picks it by silhouette (:func:`analysis.cluster.choose_k`).
    representation : "embeddings" or "tfidf"
        "embeddings" (the default) uses all-MiniLM-L6-v2; if its packages are missing
        the model falls back to "tfidf" (word + character TF-IDF, then SVD) and says so
        in ``representation_``.
    question : str or None
        The question's text; short answers are embedded after it.
    random_state : int
        The same answers and seed give the same themes.
    """

    # Fitted: vectors are kept as float16 (half the size of a stored analysis).
    point_vectors_: npt.NDArray[Any] | None
    point_owner_: IntArray | None
    groups_: IntArray | None
    languages_: list[str]
    stances_: list[str] | None

    def __init__(
        self,
        k: int | str = "auto",
        representation: str = "embeddings",
        question: str | None = None,
        n_components: int = 100,
        char_weight: float = 0.6,
        max_features: int = 50_000,
        min_df: int = 2,
        n_init: int = 10,
        k_max: int = 60,
        n_quotes: int = 5,
        random_state: int = 0,
    ) -> None:
        self.k = k
        self.representation = representation
        self.question = question
        self.n_components = n_components
        self.char_weight = char_weight
        self.max_features = max_features
        self.min_df = min_df
        self.n_init = n_init
        self.k_max = k_max
        self.n_quotes = n_quotes
        self.random_state = random_state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Models pickled before this engine lack its newer settings: they were TF-IDF
        models with keyword labels and one theme per answer, and keep working as such."""
        super().__setstate__(state)
        defaults = {
            "question": None,
            "representation_": state.get("representation", "tfidf"),
            "point_vectors_": None,
            "point_owner_": None,
            "phrases_": None,
            "groups_": None,
            "languages_": [language_of(t) for t in state.get("texts_", [])],
            "others_": {},
            "cluster_method_": "",
            "stances_": None,
            # Fitted before short answers were also read on their own: answers added to
            # such an analysis are read as its other answers were, until it is re-run.
            "short_read_alone_": False,
            # Fitted before answers in Welsh were read through their English gloss:
            # answers added later are read as its other answers were.
            "welsh_in_english_": False,
            # Fitted before openers ("As a mum of two, ...") were skipped.
            "openers_skipped_": False,
        }
        for name, value in defaults.items():
            if not hasattr(self, name):
                setattr(self, name, value)

    # -- representation ---------------------------------------------------------------

    def _features(self, texts: Sequence[str]) -> Any:
        """Sparse word + weighted character TF-IDF matrix for already-fitted vectorizers."""
        blocks = []
        if self.word_vectorizer_ is not None:
            blocks.append(self.word_vectorizer_.transform(texts))
        if self.char_vectorizer_ is not None and self.char_weight > 0:
            blocks.append(self.char_vectorizer_.transform(texts) * self.char_weight)
        if not blocks:
            return sparse.csr_matrix((len(texts), 1), dtype=np.float32)
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def _vectors(self, texts: Sequence[str]) -> FloatArray:
        """Unit-length vectors of ``texts`` exactly as given (no points, no question)."""
        if not texts:
            return np.zeros((0, self._dims()), dtype=np.float32)
        if self.representation_ == "embeddings":
            from analysis.embeddings import encode  # imported lazily: loads torch

            vectors = encode(texts, self.embedding_model_)
        else:
            features = self._features(texts)
            if self.svd_components_ is not None:
                vectors = np.asarray(features @ self.svd_components_.T, dtype=np.float32)
            else:
                vectors = np.asarray(features.todense(), dtype=np.float32)
        return np.asarray(normalize(vectors), dtype=np.float32)

    def _dims(self) -> int:
        if self.representation_ == "embeddings":
            return 384
        if self.svd_components_ is not None:
            return int(self.svd_components_.shape[0])
        return int(self._features([""]).shape[1])

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Unit-length vectors in the model's space; meaningless answers give zeros."""
        texts = [as_text(t) for t in texts]
        out = self._vectors([self._reading(t) for t in texts])
        empty = np.array([is_meaningless(t) for t in texts], dtype=bool)
        if len(out):
            out[empty] = 0.0
        return out

    def _reading(self, text: str, welsh: bool | None = None) -> str:
        """What the embedding model reads for ``text``: its English gloss when it is in
        Welsh (analysis.welsh), else the text, without an opening that says who is
        speaking (:func:`analysis.points.without_opener`). The TF-IDF representation
        reads every text as written, and models fitted before each of the two steps read
        texts as they did then."""
        if self.representation_ != "embeddings":
            return text
        reading = for_reading(text, welsh) if getattr(self, "welsh_in_english_", True) else text
        return without_opener(reading) if getattr(self, "openers_skipped_", True) else reading

    def _with_question(self, point: str) -> str | None:
        """The point after the question's text, for a short point when the question is
        known; None otherwise."""
        question = getattr(self, "question", None)
        if question and len(point.split()) <= SHORT_ANSWER_WORDS:
            return f"{' '.join(question.split())} {point}"
        return None

    def embed_answers(
        self, texts: Sequence[str], languages: Sequence[str] | None = None
    ) -> tuple[FloatArray, FloatArray, IntArray]:
        """Answer vectors, and the vectors of the points of answers with several points
        (with each point's answer row). An answer's vector is the mean of its points'
        vectors weighted by their number of words; meaningless answers give zeros.
        ``languages`` (each answer's :func:`language_of`, when the caller has them)
        saves reading them again.

        When the question is known, a short point's vector is the sum of its own vector
        and that of the question followed by it: "parking" read as an answer to the
        question, while keeping what it says. Read only after the question, every short
        answer is mostly the question, and short answers about different things fell
        into one theme."""
        texts = [as_text(t) for t in texts]
        pieces: list[str] = []
        owner: list[int] = []
        weight: list[float] = []
        asked: list[str] = []  # short points after the question
        asked_at: list[int] = []  # their place in ``pieces``
        for row, text in enumerate(texts):
            if is_meaningless(text):
                continue
            points = split_points(text) or [text.strip()]
            # A point of an answer in Welsh is read as Welsh even when it is too short to
            # tell ("Mwy o staff"); in an answer in English each point is asked.
            welsh: bool | None = (languages[row] if languages is not None else language_of(text)) == "cy"
            if not welsh and len(points) > 1:
                welsh = None
            for written in points:
                point = self._reading(written, welsh)
                with_question = self._with_question(point)
                if with_question is not None:
                    asked.append(with_question)
                    asked_at.append(len(pieces))
                pieces.append(point)
                owner.append(row)
                weight.append(float(max(len(written.split()), 1)))
        both = self._vectors(pieces + asked)  # one call: the model batches them together
        vectors = both[: len(pieces)]
        if asked and getattr(self, "short_read_alone_", True):
            vectors[asked_at] = normalize(vectors[asked_at] + both[len(pieces) :])
        elif asked:  # a model fitted before 2026-12-06 read them after the question only
            vectors[asked_at] = both[len(pieces) :]
        owners = np.asarray(owner, dtype=np.int64)
        answers = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        if len(pieces):
            np.add.at(answers, owners, vectors * np.asarray(weight, dtype=np.float32)[:, None])
        answers = np.asarray(normalize(answers), dtype=np.float32)
        counts = np.bincount(owners, minlength=len(texts)) if len(owners) else np.zeros(len(texts), int)
        several = counts[owners] > 1 if len(owners) else np.zeros(0, dtype=bool)
        return answers, vectors[several], owners[several]

    def _fit_representation(self, texts: Sequence[str]) -> None:
        """Fit the TF-IDF vectorizers (always: they give keywords) and choose the representation."""
        self.word_vectorizer_ = _fit_vectorizer(_word_vectorizer, texts, self.min_df, self.max_features)
        self.char_vectorizer_ = None
        self.svd_components_: FloatArray | None = None
        self.embedding_model_: str | None = None
        if self.representation not in ("tfidf", "embeddings"):
            raise ValueError(f"representation must be 'tfidf' or 'embeddings', not {self.representation!r}")
        self.representation_ = self.representation
        if self.representation == "embeddings":
            from analysis.embeddings import DEFAULT_MODEL, available

            if available():
                self.embedding_model_ = DEFAULT_MODEL
                return
            warnings.warn(
                "sentence embeddings are not installed; themes use the TF-IDF fallback",
                RuntimeWarning,
                stacklevel=3,
            )
            self.representation_ = "tfidf"
        self.char_vectorizer_ = _fit_vectorizer(_char_vectorizer, texts, self.min_df, self.max_features)
        features = self._features(texts)
        n_comp = min(self.n_components, features.shape[1] - 1, len(texts) - 1)
        if n_comp >= 2:
            svd = TruncatedSVD(n_components=n_comp, random_state=self.random_state)
            svd.fit(features)
            self.svd_components_ = svd.components_.astype(np.float32)

    # -- fitting ----------------------------------------------------------------------

    def _check(self, texts: Sequence[str], ids: Sequence[str] | None) -> None:
        self.ids_ = [str(i) for i in ids] if ids is not None else [str(i + 1) for i in range(len(texts))]
        if len(self.ids_) != len(texts):
            raise ValueError("ids and texts differ in length")
        if len(set(self.ids_)) != len(self.ids_):
            raise ValueError("answer ids must be unique")
        if isinstance(self.k, str) and self.k != "auto":
            raise ValueError(f"k must be a positive integer or 'auto', not {self.k!r}")
        if not isinstance(self.k, str) and int(self.k) < 1:
            raise ValueError("k must be at least 1")
        if (
            isinstance(self.random_state, bool)
            or not isinstance(self.random_state, int | np.integer)
            or not 0 <= int(self.random_state) <= MAX_RANDOM_STATE
        ):
            raise ValueError(f"random_state must be a whole number from 0 to {MAX_RANDOM_STATE}")

    @reading_once()  # every answer is read several times over (analysis.memo)
    def fit(self, texts: Sequence[str], y: Any = None, ids: Sequence[str] | None = None) -> ThemeModel:
        """Learn the representation, the number of themes, their centres and descriptions."""
        texts = [as_text(t) for t in texts]
        self._check(texts, ids)
        self.texts_ = texts
        self.languages_ = [language_of(t) for t in texts]
        # Each answer's stance toward the question (analysis.stance), kept for the
        # codebook's replays.
        self.stances_ = stances(texts, self.question, self.languages_)
        meaningful = np.array([not is_meaningless(t) for t in texts], dtype=bool)
        rows = np.flatnonzero(meaningful)
        kept = [texts[i] for i in rows]
        self.short_read_alone_ = True  # see embed_answers
        self.welsh_in_english_ = True  # see embed_answers
        self.openers_skipped_ = True  # see _reading
        self.surface_ = SurfaceForms()
        for text in kept:
            tokenise(text, self.surface_)
        if kept:
            self._fit_representation(kept)
            vectors, point_vectors, point_owner = self.embed_answers(texts, self.languages_)
        else:
            self.word_vectorizer_ = self.char_vectorizer_ = None
            self.svd_components_ = None
            self.embedding_model_ = None
            self.representation_ = self.representation
            vectors = np.zeros((len(texts), 1), dtype=np.float32)
            point_vectors, point_owner = np.zeros((0, 1), dtype=np.float32), np.zeros(0, dtype=np.int64)
        vectors_kept = vectors[rows]
        distinct = distinct_rows(vectors_kept, 5) if len(kept) else 0
        if distinct == 0:
            k = 0
        elif self.k == "auto":
            k = choose_k(vectors_kept, self.random_state, self.k_max)
        else:
            k = min(int(self.k), distinct)
        self.n_themes_ = k
        labels = np.full(len(texts), -1, dtype=np.int64)
        self.cluster_method_ = ""
        if k == 1:
            centers = normalize(vectors_kept.mean(axis=0, keepdims=True))
            labels[rows] = 0
        elif k > 1:
            partition = cluster(vectors_kept, k, self.random_state, self.n_init)
            self.cluster_method_ = partition.method
            raw = partition.labels
            if self.k == "auto":  # the number was ours to choose: no theme of one or two answers
                raw, k = without_slivers(vectors_kept, raw, k)
                self.n_themes_ = k
            # Number themes by size (largest first), ties by first answer, so ids are stable.
            # A theme left empty is dropped: k-means can leave one so when asked for about as
            # many themes as there are different answers.
            sizes = np.bincount(raw, minlength=k)
            first = np.array([np.flatnonzero(raw == c)[0] if sizes[c] else len(raw) for c in range(k)])
            order = sorted(np.flatnonzero(sizes).tolist(), key=lambda c: (-sizes[c], first[c]))
            remap = np.full(k, -1, dtype=np.int64)
            remap[order] = np.arange(len(order))
            k = self.n_themes_ = len(order)
            labels[rows] = remap[raw]
            centers = normalize(np.vstack([vectors_kept[raw == c].mean(axis=0) for c in order]))
        else:
            centers = np.zeros((0, vectors.shape[1]))
        self.cluster_centers_ = centers.astype(np.float32)
        self.theme_ids_ = [f"t{i + 1}" for i in range(k)]
        self.labels_ = labels
        self.embedding_ = vectors.astype(np.float16)
        self.point_vectors_ = point_vectors.astype(np.float16)
        self.point_owner_ = point_owner
        self.scores_ = self._scores(vectors, labels)
        raised_by: dict[tuple[int, int], list[int]] = {}
        self.others_ = other_themes(
            point_vectors, point_owner, labels, self.cluster_centers_, self.scores_, raised_by=raised_by
        )
        clean = redacted(texts)  # once: phrases and keywords both read it
        self.phrases_ = PhraseIndex.build(clean)
        self.groups_ = duplicate_groups(texts, vectors, within=labels)
        self.themes_ = self.describe(texts, labels, self.scores_, clean=clean, raised_by=raised_by)
        return self

    def _scores(self, vectors: FloatArray, labels: IntArray) -> FloatArray:
        """Each answer's similarity to its theme's centre (0 when it has no theme), a
        slice of answers at a time: all at once it copied every vector twice (300 MB at
        100,000 answers, the peak of the analysis's memory)."""
        scores = np.zeros(len(labels), dtype=np.float32)
        for start in range(0, len(labels), _SCORE_SLICE):
            part = labels[start : start + _SCORE_SLICE]
            assigned = np.flatnonzero(part >= 0)
            if len(assigned):
                rows = vectors[start : start + _SCORE_SLICE][assigned]
                sims = np.einsum("ij,ij->i", rows, self.cluster_centers_[part[assigned]])
                scores[start + assigned] = np.clip(sims, 0.0, 1.0)
        return scores

    # -- description ------------------------------------------------------------------

    def describe(
        self,
        texts: Sequence[str],
        labels: IntArray,
        scores: FloatArray,
        clean: Sequence[str] | None = None,
        raised_by: dict[tuple[int, int], list[int]] | None = None,
    ) -> list[Theme]:
        """Themes with label, keywords, sizes and redacted quotes for the fitted answers
        (``clean``: the texts already redacted, if the caller has them; ``raised_by``: the
        points that raise each further theme, from :func:`other_themes`)."""
        vec = self.word_vectorizer_
        clean = redacted(texts) if clean is None else clean
        words = (
            vec.transform([t if lab >= 0 else "" for t, lab in zip(clean, labels, strict=True)])
            if vec
            else None
        )
        about = Described(
            texts=texts,
            primary=labels,
            scores=scores,
            others=self.others_,
            groups=self.groups_,
            languages=self.languages_,
            words=words,
            vocabulary=vec.get_feature_names_out().tolist() if vec else [],
            phrases=self.phrases_,
            surface=self.surface_,
            point_owner=self.point_owner_,
            raised_by=raised_by,
        )
        themes = describe(about, self.theme_ids_, self.n_quotes)
        question = getattr(self, "question", None)
        answer_stances = self.stances_
        if answer_stances is None:  # a model saved before stances were kept
            answer_stances = stances(texts, question)
        split = theme_stances(about, len(themes), answer_stances, clean, question)
        for theme, (counts, drafted) in zip(themes, split, strict=True):
            theme.stance = counts
            theme.statements = [drafted.majority, drafted.minority]
        return themes

    # -- prediction -------------------------------------------------------------------

    def transform(self, texts: Sequence[str]) -> FloatArray:
        """Affinity (cosine similarity, 0..1) of each answer to each theme."""
        vectors, _, _ = self.embed_answers(texts)
        affinity: FloatArray = np.clip(vectors @ self.cluster_centers_.T, 0.0, 1.0).astype(np.float32)
        return affinity

    @reading_once()
    def predict(self, texts: Sequence[str]) -> IntArray:
        """Primary theme index for each answer, -1 for meaningless answers. Centres are
        fixed after fitting, so predicting never moves earlier answers."""
        texts = [as_text(t) for t in texts]
        labels = np.full(len(texts), -1, dtype=np.int64)
        if self.n_themes_ == 0:
            return labels
        affinity = self.transform(texts)
        meaningful = np.array([not is_meaningless(t) for t in texts], dtype=bool)
        labels[meaningful] = affinity[meaningful].argmax(axis=1)
        return labels

    def fit_predict(self, texts: Sequence[str], y: Any = None, ids: Sequence[str] | None = None) -> IntArray:
        return self.fit(texts, ids=ids).labels_

    def assignment_themes(self, row: int) -> list[dict[str, Any]]:
        """The primary theme then any further themes of one fitted answer, with scores."""
        lab = int(self.labels_[row])
        if lab < 0:
            return []
        out = [{"id": self.theme_ids_[lab], "score": round(float(self.scores_[row]), 4)}]
        for t, score in self.others_.get(row, []):
            out.append({"id": self.theme_ids_[t], "score": round(float(score), 4)})
        return out

    def result(self) -> dict[str, Any]:
        """The fitted themes and assignments in the CLI's JSON shape (quotes redacted).

        ``theme_id`` is each answer's primary theme; ``themes`` lists it first, then any
        further themes its points raise. Theme sizes count an answer under each of its
        themes, so they add up to more than the number of answers.
        """
        return {
            "representation": self.representation_,
            "themes": [t.to_dict() for t in self.themes_],
            "assignments": [
                {
                    "id": answer_id,
                    "theme_id": self.theme_ids_[lab] if lab >= 0 else UNASSIGNED,
                    "score": round(float(score), 4),
                    "themes": self.assignment_themes(row),
                    "language": self.languages_[row],
                }
                for row, (answer_id, lab, score) in enumerate(
                    zip(self.ids_, self.labels_, self.scores_, strict=True)
                )
            ],
        }
