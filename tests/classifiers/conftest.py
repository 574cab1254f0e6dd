"""Fixtures for the classifier tests: a made-up roster and staff list written to tmp_path.

Every name here is invented for the tests; real rosters never enter the repository.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from classifiers.heads import Head
from classifiers.identity import Roster, StaffList, load_roster, load_staff


def constant_head(
    name: str,
    *,
    width: int = 1,
    bias: float = 0.0,
    threshold: float = 0.5,
    info: Mapping[str, Any] | None = None,
) -> Head:
    """A head with zero weights: its probability is sigmoid(``bias``) whatever the input."""
    return Head(
        name=name,
        features=("embedding",),
        mean=np.zeros(width, dtype=np.float32),
        scale=np.ones(width, dtype=np.float32),
        weights=(np.zeros((width, 1), dtype=np.float32),),
        biases=(np.array([bias], dtype=np.float32),),
        threshold=threshold,
        info=dict(info or {}),
    )


ROSTER_CSV = """\
Legal Forename,Legal Surname,Preferred Forename,Year,Reg Group,Name Consent,Photo Consent
Summer,Pennyworth,,Year 2,2T,No,Yes
William,Ashcombe,Will,Year 4,4H,Yes,Yes
Grace,Okonkwo-Bright,,Year 6,6W,No,No
Siobhán,Delacroix,,Year 5,5R,No,Yes
Tobias,Wrenfield,Toby,Year 3,3K,No,Yes
May,Haverstock,,Reception,RH,No,Yes
Amber,Kettleby,,Year 5,5R,No,Yes
Harry,Quennell,,Year 1,1S,No,Yes
Daisy-Mae,O'Callaghan,Daisy,Year 3,3K,No,Yes
Zainab,Farouqi,,Year 4,4H,No,Yes
Hope,Merriweather,,Year 6,6W,Yes,Yes
Jack,Pemberton-Lowe,,Year 2,2T,No,Yes
Anastasia,Vrbanović,Ana,Year 1,1S,No,Yes
"""

STAFF_CSV = """\
Title,First Name,Last Name,Role
Mrs,Imelda,Fairbrother,Headteacher
Mr,Desmond,Achterberg,Deputy Headteacher and Designated Safeguarding Lead
Miss,Priya,Baker,Year 2 Teacher
Mr,Tomasz,Kowalczyk,Site Manager
Ms,Nadia,Rowntree,Teaching Assistant
"""

# Every pupil name token, for the "names never leak" tests.
PUPIL_NAME_WORDS = sorted(
    {
        word.strip().lower()
        for line in ROSTER_CSV.splitlines()[1:]
        for cell in line.split(",")[:3]
        for word in cell.replace("-", " ").split()
        if word.strip()
    }
)

OFFICIAL_PHONE = "0113 496 0999"
OFFICIAL_EMAIL = "office@brookfield.example.sch.uk"


@pytest.fixture
def pupil_name_words() -> list[str]:
    return PUPIL_NAME_WORDS


@pytest.fixture
def roster_path(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_CSV, encoding="utf-8")
    return path


@pytest.fixture
def staff_path(tmp_path: Path) -> Path:
    path = tmp_path / "staff.csv"
    path.write_text(STAFF_CSV, encoding="utf-8")
    return path


@pytest.fixture
def roster(roster_path: Path) -> Roster:
    return load_roster(roster_path)


@pytest.fixture
def staff(staff_path: Path) -> StaffList:
    return load_staff(staff_path)
