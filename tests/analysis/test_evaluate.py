"""The evaluation script on tiny synthetic labelled data; a fake encoder stands in for
all-MiniLM-L6-v2 so that torch is never loaded."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

import analysis.cluster
import analysis.embeddings
from analysis import evaluate
from analysis.model import ThemeModel

THEMES = {
    "parking": [
        "car park parking full",
        "parking spaces car park",
        "parking permit cars",
        "cars parked parking",
    ],
    "hours": [
        "opening hours sunday",
        "open later evening hours",
        "sunday opening hours",
        "weekend hours open",
    ],
    "children": ["story time kids", "kids toddlers rhyme time", "children kids events", "homework club kids"],
}
FRAMES = ["{}", "{} please", "more {}", "{} matters", "{} really"]


def _labelled(shift: int = 0) -> tuple[list[str], list[str]]:
    texts, gold = [], []
    for label, phrases in THEMES.items():
        for i, phrase in enumerate(phrases):
            for j, frame in enumerate(FRAMES[: 3 if i % 2 else 4]):
                texts.append(frame.format(phrase) + (" thanks" if (i + j + shift) % 3 == 0 else ""))
                gold.append(label)
    texts.append("n/a")
    gold.append("parking")
    return texts, gold


_HASHER = HashingVectorizer(n_features=384, alternate_sign=False)


def fake_encode(texts: Sequence[str], name: str | None = None) -> npt.NDArray[np.float32]:
    fake_encode.calls.append(list(texts))  # type: ignore[attr-defined]
    return np.asarray(normalize(_HASHER.transform(list(texts))).toarray(), dtype=np.float32)


@pytest.fixture
def fake_embeddings(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    fake_encode.calls = calls  # type: ignore[attr-defined]
    monkeypatch.setattr(analysis.embeddings, "encode", fake_encode)
    monkeypatch.setattr(analysis.embeddings, "available", lambda: True)
    # Speed only: fewer Ward starts and two clustering settings are enough to test the plumbing.
    monkeypatch.setattr(analysis.cluster, "TREE_STARTS", 1, raising=False)
    settings = evaluate.cluster_settings()[:2]
    monkeypatch.setattr(evaluate, "cluster_settings", lambda: settings)
    return calls


def test_accuracy_and_mapping() -> None:
    gold = ["a", "a", "b", "b", "c"]
    assert evaluate.accuracy(gold, [1, 1, 0, 0, -1]) == pytest.approx(0.8)
    assert evaluate.gold_mapping(gold, [1, 1, 0, 0, -1]) == {1: "a", 0: "b"}
    assert evaluate.accuracy(gold, [-1] * 5) == 0.0
    s = evaluate.score("x", gold, [1, 1, 0, 0, -1], 0.5)
    assert (s.k, s.unassigned) == (2, 1)


def test_join_pair_adds_a_full_stop() -> None:
    assert evaluate.join_pair("Car park full ", "open  later") == "Car park full. Also, open later"
    assert evaluate.join_pair("Car park full!", "open later") == "Car park full! Also, open later"


def test_draw_pairs_are_from_different_labels_and_long_enough() -> None:
    texts, gold = _labelled()
    pairs = evaluate.draw_pairs(gold, texts, 50, random_state=3)
    assert len(pairs) == 50
    assert pairs == evaluate.draw_pairs(gold, texts, 50, random_state=3)
    assert all(gold[a] != gold[b] for a, b in pairs)
    assert all(len(texts[i].split()) >= 3 for pair in pairs for i in pair)
    assert evaluate.draw_pairs(["x"] * 3, ["one two three"] * 3, 5) == []


def test_encode_cache_embeds_each_text_once(fake_embeddings: list[list[str]]) -> None:
    cache = evaluate.EncodeCache()
    with cache.installed():
        first = analysis.embeddings.encode(["a b", "c d", "a b"])
        second = analysis.embeddings.encode(["c d", "e f"])
    assert analysis.embeddings.encode is fake_encode  # restored
    assert fake_embeddings == [["a b", "c d"], ["e f"]]
    assert cache.embedded == 3
    np.testing.assert_allclose(first[1], second[0])
    assert cache.encode([]).shape == (0, 384)


def test_leave_one_set_out_uses_the_other_sets() -> None:
    table = {
        "a": {"x": 0.9, "y": 0.1},
        "b": {"x": 0.2, "y": 0.6},
        "c": {"x": 0.3, "y": 0.6},
    }
    assert evaluate.leave_one_set_out(table) == {"a": "y", "b": "x", "c": "x"}
    assert evaluate.leave_one_set_out({"a": {"x": 0.5}}) == {"a": "x"}


def test_joined_themes_match_predict_for_single_answers(fake_embeddings: list[list[str]]) -> None:
    texts, _ = _labelled()
    model = ThemeModel(k=3, representation="tfidf", random_state=0).fit(texts)
    found = evaluate.joined_themes(model, [*texts[:5], "n/a"])
    assert [f[0] for f in found[:5]] == model.predict(texts[:5]).tolist()
    assert found[5] == []
    joined = evaluate.joined_themes(model, [evaluate.join_pair(texts[0], texts[20])])[0]
    assert len(joined) == len(set(joined)) >= 1


def test_evaluate_set_with_tfidf_engine(fake_embeddings: list[list[str]]) -> None:
    texts, gold = _labelled()
    with evaluate.EncodeCache().installed():
        report = evaluate.evaluate_set("tiny", texts, gold, representation="tfidf")
    assert set(report.scores) == {"tfidf-kmeans", "tfidf-nmf", "minilm-kmeans", "engine", "engine-auto"}
    assert report.gold_k == 3 and report.auto_k is not None and report.stable_auto is not None
    assert report.engine.unassigned == 1
    assert report.engine.acc > 0.9  # clear themes are recovered
    assert report.also.pairs == evaluate.PAIRS
    assert 0.0 <= report.also.consistency <= 1.0
    assert -1.0 <= report.stable_gold.seeds <= 1.0
    assert report.settings
    # The targets at gold k read the mean of three seeds that share no starts.
    assert report.means is not None
    assert report.means.seeds == (0, evaluate.OTHER_SEED, 2 * evaluate.OTHER_SEED)
    assert all(len(accs) == 3 for accs in report.means.acc.values())
    assert report.means.acc["engine"][0] == report.engine.acc
    assert report.means.acc["minilm-kmeans"][0] == report.scores["minilm-kmeans"].acc
    text = evaluate.render_set(report)
    assert "| engine k=gold" in text and "| engine k=auto (found" in text and "skipped" not in text
    assert "(mean of the seeds)" in text
    assert "Targets at gold k are judged on the mean ACC of seeds 0, 1000, 2000" in text


def _report(engine: float, means: evaluate.SeedMeans | None) -> evaluate.SetReport:
    def scored(method: str, acc: float) -> evaluate.Score:
        return evaluate.Score(method, 3, 0.5, 0.5, acc, 0, 0.1)

    return evaluate.SetReport(
        name="made.csv",
        answers=100,
        gold_k=3,
        scores={
            "tfidf-kmeans": scored("baseline TF-IDF + k-means", 0.30),
            "tfidf-nmf": scored("baseline TF-IDF + NMF", 0.20),
            "minilm-kmeans": scored("baseline all-MiniLM-L6-v2 + k-means", 0.32),
            "engine": scored("engine k=gold", engine),
        },
        method="k-means",
        auto_k=None,
        embed_seconds=0.0,
        also=evaluate.AlsoRate(0, 0, 0, 0, 0, 0.0),
        stable_gold=evaluate.Stability(1.0, 1.0),
        stable_auto=None,
        means=means,
    )


def test_quality_targets_are_judged_on_the_mean_of_the_seeds() -> None:
    # Seed 0 alone passes both targets (0.36 against 0.32 and 0.30 + 0.05) ...
    seeds = (0, 1000, 2000)
    means = evaluate.SeedMeans(
        seeds,
        {
            "engine": (0.36, 0.30, 0.30),
            "minilm-kmeans": (0.32, 0.30, 0.31),
            "tfidf-kmeans": (0.30, 0.24, 0.24),
            "tfidf-nmf": (0.20, 0.31, 0.31),
        },
    )
    assert evaluate.render_summary([_report(0.36, None)]).count("targets 2/2 PASS") == 1
    # ... the means do not: 0.320 against MiniLM's 0.310 passes, 0.320 against NMF's
    # 0.273 + 0.05 does not (NMF's mean is the better TF-IDF baseline here).
    assert means.best_tfidf == "tfidf-nmf"
    report = _report(0.36, means)
    text = evaluate.render_set(report)
    row = "| engine ACC ≥ MiniLM + k-means ACC (mean of the seeds) | PASS |"
    assert f"{row} 0.320 (0.360, 0.300, 0.300) vs 0.310 (0.320, 0.300, 0.310) |" in text
    assert "| MISS | 0.320 vs 0.323 (TF-IDF + NMF 0.273 (0.200, 0.310, 0.310)) |" in text
    summary = evaluate.render_summary([report])
    assert "engine ACC 0.320 (MiniLM + k-means 0.310, best TF-IDF 0.273; means of 3 seeds)" in summary
    assert "targets 1/2 PASS" in summary


def _write(path: Path, texts: list[str], gold: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "label"])
        writer.writerows([i, t, g] for i, (t, g) in enumerate(zip(texts, gold, strict=True)))


def test_main_prints_markdown(
    tmp_path: Path,
    fake_embeddings: list[list[str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, shift in (("one.csv", 0), ("two.csv", 1)):
        _write(tmp_path / name, *_labelled(shift))
    monkeypatch.setattr(evaluate, "QUESTIONS", {"one.csv": "What could be better?"})
    code = evaluate.main(
        ["--data-dir", str(tmp_path), "--files", "one.csv,two.csv", "--quick", "--embeddings"]
    )
    out = capsys.readouterr().out
    assert code == 0
    for heading in ("### one.csv", "### two.csv", "## Clustering settings, leave one set out", "## Summary"):
        assert heading in out
    assert "skipped (--quick)" in out
    # The set with a question is also scored with it, the other is not.
    assert out.count("| engine k=gold, with the question “What could be better?”") == 1
    assert out.index("with the question") < out.index("### two.csv")
    assert "PASS" in out or "MISS" in out
    # Each distinct text reaches the encoder once in the whole run.
    seen = [t for call in fake_embeddings for t in call]
    assert len(seen) == len(set(seen))
    assert analysis.embeddings.encode is fake_encode


def test_main_reports_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main(["--data-dir", str(tmp_path), "--files", "nope.csv"]) == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize("shuffled", [False, True])
def test_the_simulated_officer_reviews_each_themes_queue_as_officers_see_it(shuffled: bool) -> None:
    # The review queue shows a theme's answers nobody has decided about: an answer moved
    # into a theme earlier is not reviewed again there, so every theme gets its own five.
    texts, gold = _labelled()
    if shuffled:  # officers who disagree with the engine move answers between themes
        gold = [gold[(i * 7) % len(gold)] for i in range(len(gold))]
    model = ThemeModel(k=3, representation="tfidf", random_state=0).fit(texts)
    learning = evaluate.learning_gain(model, gold, per_theme=5)
    assert learning.corrected == 15
    assert learning.untouched == len(texts) - 15
