"""Command line: ``python -m analysis themes ...`` and ``python -m analysis assign ...``.

Problems with the input (bad CSV, missing column, empty file, not UTF-8) are reported
as one line on stderr with exit status 2, never as a traceback. scikit-learn's warning
that k-means found fewer distinct clusters than asked is not shown: the engine drops a
theme left empty, and the summary line says how many themes there are.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from sklearn.exceptions import ConvergenceWarning

from analysis.codebook import Codebook, CodebookError, apply
from analysis.io import InputError, load_model, read_answers, save_model, write_json
from analysis.model import MAX_RANDOM_STATE, ThemeModel

__all__ = ["main"]


def _k(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k must be a whole number or 'auto', not {value!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError("--k must be at least 1")
    return k


def _random_state(value: str) -> int:
    try:
        seed = int(value)
    except ValueError:
        seed = -1
    if not 0 <= seed <= MAX_RANDOM_STATE:
        raise argparse.ArgumentTypeError(
            f"--random-state must be a whole number from 0 to {MAX_RANDOM_STATE}"
        )
    return seed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description="Theme analysis of free-text answers"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    themes = sub.add_parser("themes", help="group the answers in a CSV into themes")
    themes.add_argument("input", help="UTF-8 CSV with a header row")
    themes.add_argument("--text-column", required=True)
    themes.add_argument("--id-column")
    themes.add_argument("--k", type=_k, default="auto", help="number of themes, or 'auto' (default)")
    themes.add_argument("--random-state", type=_random_state, default=0)
    themes.add_argument(
        "--representation",
        choices=["embeddings", "tfidf"],
        default="embeddings",
        help="sentence embeddings (default) or the TF-IDF fallback",
    )
    themes.add_argument("--question", help="the question's text: short answers are read with it")
    themes.add_argument("--out", required=True, help="JSON file for the themes and assignments")
    themes.add_argument("--save-model", help="also save the model (.npz) for 'assign' and the codebook")
    assign = sub.add_parser("assign", help="assign new answers to the themes of a saved model")
    assign.add_argument("model", help="a model saved with 'themes --save-model'")
    assign.add_argument("input", help="UTF-8 CSV with a header row")
    assign.add_argument("--text-column", help="defaults to the column the model was built from")
    assign.add_argument("--id-column", help="defaults to the column the model was built from")
    assign.add_argument("--codebook", help="JSON codebook of officers' edits (replaces the model's own)")
    assign.add_argument("--upto-version", type=int, help="replay the codebook only up to this version")
    assign.add_argument("--out", required=True)
    return parser


def _themes(args: argparse.Namespace) -> None:
    answers = read_answers(args.input, args.text_column, args.id_column)
    model = ThemeModel(
        k=args.k, representation=args.representation, question=args.question, random_state=args.random_state
    )
    model.fit(answers.texts, ids=answers.ids)
    write_json(model.result(), args.out)
    if args.save_model:
        save_model(model, args.save_model, text_column=args.text_column, id_column=args.id_column)
    n_unassigned = int((model.labels_ < 0).sum())
    n_more = len(model.others_)
    print(
        f"{_count(len(answers.ids), 'answer')}, {_count(model.n_themes_, 'theme')}, "
        f"{n_unassigned} unassigned, {n_more} with more than one theme "
        f"({model.representation_}) -> {args.out}"
    )


def _count(n: int, noun: str) -> str:
    """ "1 theme", "2 themes"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _assign(args: argparse.Namespace) -> None:
    model, codebook, extra = load_model(args.model)
    if args.codebook:
        try:
            with open(args.codebook, encoding="utf-8") as fh:
                codebook = Codebook.from_json(fh.read())
        except OSError as exc:
            raise InputError(f"{args.codebook}: cannot read ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise InputError(f"{args.codebook}: not UTF-8 text") from None
    text_column = args.text_column or extra.get("text_column")
    if not text_column:
        raise InputError("give --text-column: the model does not record one")
    answers = read_answers(args.input, text_column, args.id_column or extra.get("id_column"))
    state = apply(model, codebook, args.upto_version)
    state.add_answers(answers.ids, answers.texts)
    write_json(state.result(answer_ids=answers.ids), args.out)
    print(f"{_count(len(answers.ids), 'answer')} assigned at codebook version {state.version} -> {args.out}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "themes":
            _themes(args)
        else:
            _assign(args)
    except (InputError, CodebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0
