"""The theme model: a scikit-learn style estimator that groups answers into themes.

The light default represents each answer by word and character n-gram TF-IDF reduced
with truncated SVD (latent semantic analysis) and clusters it with k-means started many
times. Character n-grams make it forgiving of typos and very short answers; the SVD
step makes k-means work on meaning rather than on exact words. Everything is seeded by
``random_state``, so the same answers always give the same themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from analysis.redact import redact
from analysis.text import SurfaceForms, is_meaningless, normalise, tokenise

__all__ = ["UNASSIGNED", "Theme", "ThemeModel", "theme_keywords", "theme_label"]

UNASSIGNED = "unassigned"
FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

# Above this many answers k-means runs in mini-batches, to keep 100,000 answers in
# minutes and well under 2 GiB.
MINIBATCH_FROM = 20_000
AUTO_K_CANDIDATES = (2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 18, 20, 25, 30, 35, 40)


@dataclass
class Theme:
    """One theme as officers see it; quotes are always redacted."""

    id: str
    label: str
    keywords: list[str]
    size: int
    quotes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "quotes": list(self.quotes),
        }


def _word_tokens(text: str) -> list[str]:
    return tokenise(text)


def _word_vectorizer(min_df: int, max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=_word_tokens,
        lowercase=False,
        token_pattern=None,
        ngram_range=(1, 2),
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
    """A short readable label from the top keywords, e.g. "Opening hours, Sunday"."""
    chosen: list[str] = []
    for term in keywords:
        words = surface.word(term)
        if any(words in c or c in words for c in chosen):
            # Prefer the longer phrase ("car park" over "park").
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
    texts: Sequence[str], members: IntArray, similarity: FloatArray, n_quotes: int, redacted: bool = True
) -> list[str]:
    """Answers nearest the theme's centre, redacted and without repeats; mid-length
    answers are preferred because one-word and essay answers make poor quotes."""
    order = members[np.argsort(-similarity[members], kind="stable")]
    seen: set[str] = set()
    good: list[str] = []
    fallback: list[str] = []
    for i in order:
        text = " ".join(str(texts[i]).split())
        key = normalise(text).strip(" .!")
        if not key or key in seen:
            continue
        seen.add(key)
        n_words = len(text.split())
        (good if 3 <= n_words <= 60 else fallback).append(redact(text) if redacted else text)
        if len(good) >= n_quotes:
            break
    return (good + fallback)[:n_quotes]


class ThemeModel(BaseEstimator, ClusterMixin, TransformerMixin):
    """Cluster free-text answers into themes.

    Parameters
    ----------
    k : int or "auto"
        Number of themes; "auto" picks it by silhouette on a sample.
    representation : "tfidf" or "embeddings"
        "tfidf" is the light default (word + character TF-IDF, then SVD);
        "embeddings" uses a static embedding model from the optional extra.
    random_state : int
        Seed for SVD and k-means: the same answers and seed give the same themes.
    """

    def __init__(
        self,
        k: int | str = "auto",
        representation: str = "tfidf",
        n_components: int = 100,
        char_weight: float = 0.6,
        max_features: int = 50_000,
        min_df: int = 2,
        n_init: int = 10,
        k_max: int = 30,
        over_cluster: int = 3,
        max_theme_share: float = 0.4,
        n_quotes: int = 5,
        random_state: int = 0,
    ) -> None:
        self.k = k
        self.representation = representation
        self.n_components = n_components
        self.char_weight = char_weight
        self.max_features = max_features
        self.min_df = min_df
        self.n_init = n_init
        self.k_max = k_max
        self.over_cluster = over_cluster
        self.max_theme_share = max_theme_share
        self.n_quotes = n_quotes
        self.random_state = random_state

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

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Unit-length vectors in the model's space; meaningless answers give zeros."""
        texts = [str(t) for t in texts]
        if self.representation == "embeddings":
            from analysis.embeddings import encode  # optional extra, imported lazily

            vectors = encode(texts, self.embedding_model_)
        else:
            features = self._features(texts)
            if self.svd_components_ is not None:
                vectors = np.asarray(features @ self.svd_components_.T, dtype=np.float32)
            else:
                vectors = np.asarray(features.todense(), dtype=np.float32)
        out: FloatArray = np.asarray(normalize(vectors), dtype=np.float32)
        empty = np.array([is_meaningless(t) for t in texts], dtype=bool)
        out[empty] = 0.0
        return out

    def _fit_representation(self, texts: Sequence[str]) -> FloatArray:
        self.word_vectorizer_ = _fit_vectorizer(_word_vectorizer, texts, self.min_df, self.max_features)
        self.char_vectorizer_ = _fit_vectorizer(_char_vectorizer, texts, self.min_df, self.max_features)
        self.svd_components_: FloatArray | None = None
        self.embedding_model_: str | None = None
        if self.representation == "embeddings":
            from analysis.embeddings import DEFAULT_MODEL

            self.embedding_model_ = DEFAULT_MODEL
            return self.embed(texts)
        if self.representation != "tfidf":
            raise ValueError(f"representation must be 'tfidf' or 'embeddings', not {self.representation!r}")
        features = self._features(texts)
        n_comp = min(self.n_components, features.shape[1] - 1, len(texts) - 1)
        if n_comp >= 2:
            svd = TruncatedSVD(n_components=n_comp, random_state=self.random_state)
            svd.fit(features)
            self.svd_components_ = svd.components_.astype(np.float32)
        return self.embed(texts)

    # -- clustering -------------------------------------------------------------------

    def _kmeans(self, k: int, n: int, n_init: int | None = None) -> Any:
        if n >= MINIBATCH_FROM:
            return MiniBatchKMeans(
                n_clusters=k,
                n_init=3,
                batch_size=4096,
                max_iter=100,
                random_state=self.random_state,
            )
        return KMeans(n_clusters=k, n_init=n_init or self.n_init, random_state=self.random_state)

    def _cluster(self, vectors: FloatArray, k: int) -> IntArray:
        """Over-cluster with k-means, then merge the small clusters by average-linkage on
        their centres. Unlike plain k-means this lets a common theme be large and a rare
        one small, as in real consultations; if merging makes one theme swallow most
        answers it falls back to plain k-means."""
        n = len(vectors)
        plain = np.asarray(self._kmeans(k, n).fit(vectors).labels_, dtype=np.int64)
        n_fine = min(k * self.over_cluster, n // 2)
        if self.over_cluster <= 1 or n_fine <= k:
            return plain
        fine = self._kmeans(n_fine, n, n_init=3).fit(vectors)
        raw_centres = np.asarray(fine.cluster_centers_)
        if (np.linalg.norm(raw_centres, axis=1) < 1e-12).any():
            return plain  # a centre of empty vectors has no direction for cosine linkage
        centres = normalize(raw_centres)
        if len(np.unique(np.round(centres, 5), axis=0)) < n_fine:
            return plain
        merge = AgglomerativeClustering(n_clusters=k, linkage="average", metric="cosine").fit(centres)
        merged = np.asarray(merge.labels_, dtype=np.int64)[np.asarray(fine.labels_)]
        sizes = np.bincount(merged, minlength=k)
        if sizes.max() > self.max_theme_share * n or (sizes == 0).any():
            return plain
        result: IntArray = merged
        return result

    def _choose_k(self, vectors: FloatArray) -> int:
        """Largest mean silhouette over candidate k, on a fixed-seed sample of answers."""
        n = len(vectors)
        rng = np.random.default_rng(self.random_state)
        sample = vectors if n <= 3000 else vectors[np.sort(rng.choice(n, 3000, replace=False))]
        distinct = len(np.unique(np.round(sample, 5), axis=0))
        # Silhouette keeps rising with k on sparse text, so the range is capped at
        # about sqrt(n / 4) themes: a list officers can read, growing slowly with n.
        cap = min(self.k_max, max(2, int(np.sqrt(n / 4))), distinct - 1)
        candidates = [k for k in AUTO_K_CANDIDATES if k <= cap]
        if not candidates:
            return max(1, min(distinct, 2))
        best_k, best = candidates[0], -2.0
        for k in candidates:
            labels = KMeans(n_clusters=k, n_init=3, random_state=self.random_state).fit_predict(sample)
            if len(set(labels.tolist())) < 2:
                continue
            score = float(silhouette_score(sample, labels, metric="cosine"))
            if score > best + 1e-9:
                best_k, best = k, score
        return best_k

    def fit(self, texts: Sequence[str], y: Any = None, ids: Sequence[str] | None = None) -> ThemeModel:
        """Learn the representation, the number of themes and their centres."""
        texts = [str(t) for t in texts]
        self.ids_ = [str(i) for i in ids] if ids is not None else [str(i + 1) for i in range(len(texts))]
        if len(self.ids_) != len(texts):
            raise ValueError("ids and texts differ in length")
        if len(set(self.ids_)) != len(self.ids_):
            raise ValueError("answer ids must be unique")
        if isinstance(self.k, str) and self.k != "auto":
            raise ValueError(f"k must be a positive integer or 'auto', not {self.k!r}")
        if not isinstance(self.k, str) and int(self.k) < 1:
            raise ValueError("k must be at least 1")
        self.texts_ = texts
        meaningful = np.array([not is_meaningless(t) for t in texts], dtype=bool)
        rows = np.flatnonzero(meaningful)
        kept = [texts[i] for i in rows]
        self.surface_ = SurfaceForms()
        for text in kept:
            tokenise(text, self.surface_)
        dims = 0
        vectors_kept: FloatArray = np.zeros((0, 1), dtype=np.float32)
        if len(kept):
            vectors_kept = self._fit_representation(kept)
            dims = vectors_kept.shape[1]
        else:
            self.word_vectorizer_ = self.char_vectorizer_ = None
            self.svd_components_ = None
            self.embedding_model_ = None
        self.embedding_ = np.zeros((len(texts), max(dims, 1)), dtype=np.float32)
        if len(kept):
            self.embedding_[rows] = vectors_kept

        distinct = len(np.unique(np.round(vectors_kept, 5), axis=0)) if len(kept) else 0
        if distinct == 0:
            k = 0
        elif self.k == "auto":
            k = self._choose_k(vectors_kept)
        else:
            k = min(int(self.k), distinct)
        self.n_themes_ = k
        labels = np.full(len(texts), -1, dtype=np.int64)
        if k == 1:
            centers = normalize(vectors_kept.mean(axis=0, keepdims=True))
            labels[rows] = 0
        elif k > 1:
            raw = self._cluster(vectors_kept, k)
            # Number themes by size (largest first), ties by first answer, so ids are stable.
            sizes = np.bincount(raw, minlength=k)
            first = np.array([np.flatnonzero(raw == c)[0] if sizes[c] else len(raw) for c in range(k)])
            order = sorted(range(k), key=lambda c: (-sizes[c], first[c]))
            remap = np.empty(k, dtype=np.int64)
            remap[order] = np.arange(k)
            labels[rows] = remap[raw]
            centers = normalize(np.vstack([vectors_kept[raw == c].mean(axis=0) for c in order]))
        else:
            centers = np.zeros((0, max(dims, 1)))
        self.cluster_centers_ = centers.astype(np.float32)
        self.theme_ids_ = [f"t{i + 1}" for i in range(k)]
        self.labels_ = labels
        self.scores_ = self._scores(self.embedding_, labels)
        self.themes_ = self.describe(texts, labels, self.scores_)
        return self

    def _scores(self, vectors: FloatArray, labels: IntArray) -> FloatArray:
        scores = np.zeros(len(labels), dtype=np.float32)
        assigned = labels >= 0
        if assigned.any():
            sims = np.einsum("ij,ij->i", vectors[assigned], self.cluster_centers_[labels[assigned]])
            scores[assigned] = np.clip(sims, 0.0, 1.0)
        return scores

    # -- description ------------------------------------------------------------------

    def keywords_for(self, texts: Sequence[str], labels: IntArray, n_themes: int) -> list[list[str]]:
        """Top distinctive terms per theme index (stemmed vocabulary terms)."""
        vec = self.word_vectorizer_
        if vec is None or n_themes == 0:
            return [[] for _ in range(n_themes)]
        matrix = vec.transform([t if lab >= 0 else "" for t, lab in zip(texts, labels, strict=True)])
        vocab = vec.get_feature_names_out().tolist()
        return theme_keywords(matrix, labels, n_themes, vocab)

    def describe(self, texts: Sequence[str], labels: IntArray, scores: FloatArray) -> list[Theme]:
        """Themes with label, keywords, size and redacted quotes for the given assignment."""
        n = self.n_themes_
        keywords = self.keywords_for(texts, labels, n)
        themes = []
        for t in range(n):
            members = np.flatnonzero(labels == t)
            words = [self.surface_.word(k) for k in keywords[t]]
            themes.append(
                Theme(
                    id=self.theme_ids_[t],
                    label=theme_label(keywords[t], self.surface_),
                    keywords=words,
                    size=len(members),
                    quotes=pick_quotes(texts, members, scores, self.n_quotes),
                )
            )
        return themes

    # -- prediction -------------------------------------------------------------------

    def transform(self, texts: Sequence[str]) -> FloatArray:
        """Affinity (cosine similarity, 0..1) of each answer to each theme."""
        vectors = self.embed(texts)
        affinity: FloatArray = np.clip(vectors @ self.cluster_centers_.T, 0.0, 1.0).astype(np.float32)
        return affinity

    def predict(self, texts: Sequence[str]) -> IntArray:
        """Nearest theme index for each answer, -1 for meaningless answers. Centres are
        fixed after fitting, so predicting never moves earlier answers."""
        texts = [str(t) for t in texts]
        labels = np.full(len(texts), -1, dtype=np.int64)
        if self.n_themes_ == 0:
            return labels
        affinity = self.transform(texts)
        meaningful = np.array([not is_meaningless(t) for t in texts], dtype=bool)
        labels[meaningful] = affinity[meaningful].argmax(axis=1)
        return labels

    def fit_predict(self, texts: Sequence[str], y: Any = None, ids: Sequence[str] | None = None) -> IntArray:
        return self.fit(texts, ids=ids).labels_

    def result(self) -> dict[str, Any]:
        """The fitted themes and assignments in the CLI's JSON shape (quotes redacted)."""
        return {
            "themes": [t.to_dict() for t in self.themes_],
            "assignments": [
                {
                    "id": answer_id,
                    "theme_id": self.theme_ids_[lab] if lab >= 0 else UNASSIGNED,
                    "score": round(float(score), 4),
                }
                for answer_id, lab, score in zip(self.ids_, self.labels_, self.scores_, strict=True)
            ],
        }
