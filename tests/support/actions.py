"""Action plan helpers: add priorities and actions through the pages, a themed survey, PDF text."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from engage.actions.models import Action
from engage.platform.database import db
from tests.support.pages import Page, PageClient
from tests.support.themes import add_responses, analysed, corpus, run

PRIVATE = "Please email me at jo.bloggs@example.com about faster computers and better wifi"


def add_priority(officer: PageClient, title: str = "Digital inclusion") -> Page:
    return officer.submit(officer.get("/staff/actions/priorities/new"), {"title": title})


def add_action(officer: PageClient, **fields: str) -> Page:
    page = officer.get("/staff/actions/new")
    option = page.soup.select_one("#priority option[value!='']")
    assert option is not None
    data = {"priority": str(option["value"]), "title": "Evening opening pilot", "timescale": "pilot"}
    data.update(fields)
    return officer.submit(page, data)


@pytest.fixture
def themed(app: Flask, survey: str, officer: PageClient) -> list[dict[str, object]]:
    add_responses(app, [*corpus(), PRIVATE])
    add_responses(app, corpus(1), locality="riverside-valley")
    run(officer)
    themes: list[dict[str, object]] = analysed(app).result["themes"]
    return themes


def action_id(app: Flask, title: str = "Evening opening pilot") -> int:
    with app.app_context():
        return int(db().scalar(select(Action.id).where(Action.title == title)) or 0)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
