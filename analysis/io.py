"""Reading answers from CSV and saving fitted models, with errors officers can act on.

Models are saved as a NumPy ``.npz`` of plain arrays plus one JSON document and loaded
with ``allow_pickle=False``: a model file from elsewhere can never run code.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.codebook import Codebook, CodebookError
from analysis.labels import PhraseIndex
from analysis.language import language_of
from analysis.model import Theme, ThemeModel, redacted
from analysis.text import SurfaceForms

__all__ = ["Answers", "InputError", "load_model", "read_answers", "save_model"]

FORMAT = "engage-theme-model/1"
csv.field_size_limit(10_000_000)


class InputError(ValueError):
    """A problem with the user's input file, reported as one clear sentence."""


@dataclass
class Answers:
    ids: list[str]
    texts: list[str]
    metadata: list[dict[str, str]]


def read_answers(path: str | Path, text_column: str, id_column: str | None = None) -> Answers:
    """Read (id, text) pairs from a UTF-8 CSV with a header row; other columns are kept
    as metadata (e.g. locality, question)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a CSV file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the spreadsheet as 'CSV UTF-8' and try again"
        ) from None
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL bytes; is it a spreadsheet rather than a CSV?")
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV near line {reader.line_num}: {exc}") from None
    header = [h.strip() for h in rows[0]]
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if text_column not in header:
        hint = next(
            (
                f" (the columns seem to be separated by {name}, not commas: save the spreadsheet as"
                " 'CSV UTF-8' and try again)"
                for mark, name in ((";", "semicolons"), ("\t", "tabs"))
                if len(header) == 1 and mark in header[0]
            ),
            "",
        )
        raise InputError(
            f"{path}: no column {text_column!r}; the columns are {', '.join(header) or '(none)'}{hint}"
        )
    if id_column is not None and id_column not in header:
        raise InputError(f"{path}: no column {id_column!r}; the columns are {', '.join(header)}")
    if not body:
        raise InputError(f"{path}: the file has a header but no answers")
    for n, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise InputError(f"{path}: row {n} has {len(row)} fields but the header has {len(header)}")
    records = [dict(zip(header, row, strict=True)) for row in body]
    ids = [r[id_column] for r in records] if id_column else [str(i) for i in range(1, len(records) + 1)]
    seen: set[str] = set()
    for n, answer_id in enumerate(ids, start=2):
        if not answer_id.strip():
            raise InputError(
                f"{path}: row {n} has no {id_column!r}; give every answer an id, or leave out"
                " --id-column to number the answers"
            )
        if answer_id in seen:
            raise InputError(f"{path}: id {answer_id!r} appears more than once in column {id_column!r}")
        seen.add(answer_id)
    texts = [r[text_column] for r in records]
    metadata = [{k: v for k, v in r.items() if k not in {text_column, id_column}} for r in records]
    return Answers(ids, texts, metadata)


def _vectorizer_state(vec: Any) -> dict[str, Any] | None:
    if vec is None:
        return None
    vocab = vec.get_feature_names_out().tolist()
    return {"vocabulary": vocab, "idf": vec.idf_.tolist()}


def _restore_vectorizer(make: Any, state: dict[str, Any] | None) -> Any:
    if state is None:
        return None
    vec = make(1, None)
    vec.vocabulary_ = {term: i for i, term in enumerate(state["vocabulary"])}
    vec.idf_ = np.asarray(state["idf"], dtype=np.float64)
    return vec


def save_model(model: ThemeModel, path: str | Path, codebook: Codebook | None = None, **extra: Any) -> None:
    """Save a fitted model (and optionally its codebook) to one ``.npz`` file."""
    meta = {
        "format": FORMAT,
        "params": model.get_params(),
        "ids": model.ids_,
        "texts": model.texts_,
        "labels": model.labels_.tolist(),
        "theme_ids": model.theme_ids_,
        "n_themes": model.n_themes_,
        "themes": [t.to_dict() for t in model.themes_],
        "word_vectorizer": _vectorizer_state(model.word_vectorizer_),
        "char_vectorizer": _vectorizer_state(model.char_vectorizer_),
        "embedding_model": model.embedding_model_,
        "representation": model.representation_,
        "cluster_method": model.cluster_method_,
        "languages": model.languages_,
        "others": [[row, [[t, s] for t, s in found]] for row, found in sorted(model.others_.items())],
        "surface": model.surface_.to_dict(),
        "codebook": codebook.to_list() if codebook else [],
        "extra": extra,
    }
    arrays = {
        "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
        "centres": model.cluster_centers_,
        "embedding": model.embedding_,
        "scores": model.scores_,
        "points": model.point_vectors_,
        "point_owner": model.point_owner_,
        "groups": model.groups_,
    }
    if model.svd_components_ is not None:
        arrays["svd"] = model.svd_components_
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def load_model(path: str | Path) -> tuple[ThemeModel, Codebook, dict[str, Any]]:
    """Load a model saved by :func:`save_model`; never unpickles anything."""
    from analysis.model import _char_vectorizer, _word_vectorizer

    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            arrays = {k: np.asarray(data[k]) for k in data.files if k != "meta"}
    except FileNotFoundError:
        raise InputError(f"{path}: model file not found") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(f"{path}: not a saved theme model") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise InputError(f"{path}: not a saved theme model ({FORMAT})")
    # Files saved before a setting was retired still load: unknown settings are dropped.
    known = ThemeModel().get_params()
    params = {key: value for key, value in meta["params"].items() if key in known}
    params.setdefault("representation", "tfidf")
    model = ThemeModel(**params)
    model.ids_ = meta["ids"]
    model.texts_ = meta["texts"]
    model.labels_ = np.asarray(meta["labels"], dtype=np.int64)
    model.theme_ids_ = meta["theme_ids"]
    model.n_themes_ = int(meta["n_themes"])
    model.themes_ = [Theme(**t) for t in meta["themes"]]
    model.word_vectorizer_ = _restore_vectorizer(_word_vectorizer, meta["word_vectorizer"])
    model.char_vectorizer_ = _restore_vectorizer(_char_vectorizer, meta["char_vectorizer"])
    model.embedding_model_ = meta["embedding_model"]
    model.surface_ = SurfaceForms.from_dict(meta["surface"])
    model.svd_components_ = arrays.get("svd")
    model.cluster_centers_ = arrays["centres"].astype(np.float32)
    model.embedding_ = arrays["embedding"].astype(np.float32)
    model.scores_ = arrays["scores"].astype(np.float32)
    model.representation_ = str(meta.get("representation") or params["representation"])
    model.cluster_method_ = str(meta.get("cluster_method") or "")
    model.languages_ = meta.get("languages") or [language_of(t) for t in model.texts_]
    model.others_ = {
        int(row): [(int(t), float(s)) for t, s in found] for row, found in meta.get("others", [])
    }
    model.phrases_ = PhraseIndex.build(redacted(model.texts_))
    if "points" in arrays and "point_owner" in arrays:
        model.point_vectors_ = arrays["points"].astype(np.float32)
        model.point_owner_ = arrays["point_owner"].astype(np.int64)
    else:  # saved before answers were split into points: ThemeState splits them
        model.point_vectors_ = model.point_owner_ = None
    model.groups_ = arrays["groups"].astype(np.int64) if "groups" in arrays else None
    try:
        codebook = Codebook.from_list(meta.get("codebook", []))
    except CodebookError as exc:
        raise InputError(f"{path}: {exc}") from None
    return model, codebook, dict(meta.get("extra", {}))


def write_json(data: Any, path: str | Path) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
