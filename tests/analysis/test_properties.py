"""Property tests: no text, however odd, crashes the text handling or the model."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.model import ThemeModel
from analysis.redact import redact
from analysis.text import is_meaningless, tokenise
from tests.analysis.conftest import TEXTS

answers = st.text(max_size=200)


@given(answers)
def test_text_functions_never_crash(text: str) -> None:
    assert isinstance(tokenise(text), list)
    assert isinstance(is_meaningless(text), bool)
    assert isinstance(redact(text), str)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(texts=["0", "0", "0", "1", "1", "00"], k=2)  # centres of empty vectors broke cosine linkage
@given(st.lists(answers, max_size=12), st.integers(1, 5))
def test_fit_never_crashes(texts: list[str], k: int) -> None:
    model = ThemeModel(k=k, n_init=1).fit(texts)
    assert len(model.result()["assignments"]) == len(texts)


_MODEL = ThemeModel(k=4).fit(TEXTS)


@settings(max_examples=50, deadline=None)
@given(st.lists(answers, min_size=1, max_size=5))
def test_predict_never_crashes(texts: list[str]) -> None:
    labels = _MODEL.predict(texts)
    assert all(-1 <= lab < 4 for lab in labels)
