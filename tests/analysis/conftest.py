"""Shared small corpus: four clear library themes, fitted once per session."""

from __future__ import annotations

import pytest

from analysis.model import ThemeModel

PARKING = [
    "Not enough parking near the library",
    "The car park is always full on Saturdays",
    "Parking is a nightmare on market day",
    "Free parking for library users would help",
    "More parking spaces please, the car park is tiny",
    "Hard to find parking anywhere near the branch",
]
HOURS = [
    "Please open later in the evenings",
    "Opening hours are too short for working people",
    "Open on Sunday mornings please",
    "Longer opening hours at weekends",
    "Late opening on Thursday evenings was ideal",
    "The opening hours do not suit anyone who works",
]
CHILDREN = [
    "Story time for toddlers is wonderful",
    "More activities for children in the holidays",
    "The kids love the summer reading challenge",
    "Rhyme time sessions for babies are brilliant",
    "Homework club for children after school",
    "Children's events at half term please",
]
COMPUTERS = [
    "The computers are slow and old",
    "Wifi keeps dropping out on my laptop",
    "Need more public computers and faster wifi",
    "The printer and computers are often broken",
    "Better wifi and more computers please",
    "Computer help sessions for older people",
]
TEXTS = PARKING + HOURS + CHILDREN + COMPUTERS + ["n/a", "-", "No comment"]
IDS = [f"r{i:03d}" for i in range(len(TEXTS))]


@pytest.fixture(scope="session")
def fitted() -> ThemeModel:
    return ThemeModel(k=4, random_state=0).fit(TEXTS, ids=IDS)
