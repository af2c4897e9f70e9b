"""The optional embeddings path: skipped unless the extra is installed."""

from __future__ import annotations

import importlib.util

import pytest

from analysis.model import ThemeModel
from tests.analysis.conftest import TEXTS

HAVE_EXTRA = all(importlib.util.find_spec(m) for m in ("sentence_transformers", "all_minilm_l6_v2"))


@pytest.mark.skipif(HAVE_EXTRA, reason="the embeddings extra is installed")
def test_clear_error_without_the_extra() -> None:
    from analysis.embeddings import EmbeddingsUnavailableError

    with pytest.raises(EmbeddingsUnavailableError, match="optional extra"):
        ThemeModel(k=4, representation="embeddings").fit(TEXTS)


@pytest.mark.skipif(not HAVE_EXTRA, reason="needs the embeddings extra")
def test_embeddings_fit() -> None:
    model = ThemeModel(k=4, representation="embeddings").fit(TEXTS)
    assert model.n_themes_ == 4
