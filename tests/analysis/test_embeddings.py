"""Sentence embeddings: installed by default, offline, loaded only when answers are embedded."""

from __future__ import annotations

import os
import subprocess
import sys

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
