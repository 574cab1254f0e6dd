"""Roster and staff CSV loading: real MIS layouts, and errors that name the line but never the pupil."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.identity import RosterError, load_roster, load_staff, role_from_text


def _write(tmp_path: Path, content: str | bytes, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "header",
    [
        "Legal Forename,Legal Surname,Preferred Forename,Year,Reg Group,Name Consent,Photo Consent",
        "Forename,Surname,Preferred Forename,Year,Reg Group",  # SIMS
        "First name,Last name,Preferred first name,Year group,Registration form",  # Arbor
        "Forename,Legal Surname,Preferred Name,Year Group,Tutor Group",  # Bromcom-style
        "  LEGAL   forename ,legal SURNAME,preferred forename,YEAR,reg group",  # spacing and case
    ],
)
def test_reads_roster_when_header_is_any_known_layout(tmp_path: Path, header: str) -> None:
    columns = header.count(",") + 1
    row = ["Ottilie", "Brackenbury", "Tilly", "Year 3", "3B", "Yes", "No"][:columns]
    roster = load_roster(_write(tmp_path, header + "\n" + ",".join(row) + "\n"))
    (pupil,) = roster.pupils
    assert (pupil.forename, pupil.surname, pupil.preferred) == ("Ottilie", "Brackenbury", "Tilly")
    assert (pupil.year, pupil.reg_group) == ("Year 3", "3B")


def test_reads_roster_when_file_has_a_utf8_bom(tmp_path: Path) -> None:
    content = "\ufeffForename,Surname,Year\nÉlodie,Marchetti,Y4\n".encode()
    (pupil,) = load_roster(_write(tmp_path, content)).pupils
    assert pupil.forename == "Élodie"
    assert pupil.year == "Year 4"


def test_treats_pupil_as_without_consent_when_consent_column_missing(tmp_path: Path) -> None:
    (pupil,) = load_roster(_write(tmp_path, "Forename,Surname\nOttilie,Brackenbury\n")).pupils
    assert pupil.has_name_consent is False
    assert pupil.has_photo_consent is False


def test_reads_consent_when_column_says_yes(tmp_path: Path) -> None:
    content = "Forename,Surname,Name Consent,Photo Consent\nOttilie,Brackenbury,Y,no\n"
    (pupil,) = load_roster(_write(tmp_path, content)).pupils
    assert (pupil.has_name_consent, pupil.has_photo_consent) == (True, False)


def test_skips_blank_lines_and_trailing_empty_cells_when_exported_from_excel(tmp_path: Path) -> None:
    content = "Forename,Surname,Year\nOttilie,Brackenbury,3,,\n\nFenwick,Aldous,4\n"
    assert len(load_roster(_write(tmp_path, content))) == 2


BROKEN = [
    ("Forename,Year\nOttilie,3\n", 1, "missing required column"),
    ("Forename,Surname,Year\nOttilie,Brackenbury,3\n,Aldous,4\n", 3, "empty"),
    ("Forename,Surname,Year\nOttilie,Brackenbury,3\nFenwick,Aldous\n", 3, "columns"),
    ("Forename,Surname,Year\nOttilie,Brackenbury,3\nFenwick,Aldous,4,extra\n", 3, "columns"),
    (b"Forename,Surname,Year\nOttilie,Brackenbury,3\nFenwick,Ald\xffous,4\n", 3, "UTF-8"),
    ("", 1, "empty"),
]


@pytest.mark.parametrize(("content", "line", "words"), BROKEN)
def test_raises_with_file_and_line_when_roster_is_broken(
    tmp_path: Path, content: str | bytes, line: int, words: str
) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"line {line}:" in message
    assert words in message
    for name in ("ottilie", "brackenbury", "fenwick", "aldous"):
        assert name not in message.lower()


def test_raises_when_roster_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="cannot read"):
        load_roster(tmp_path / "nope.csv")


def test_never_shows_names_when_roster_is_printed(roster_path: Path, pupil_name_words: list[str]) -> None:
    roster = load_roster(roster_path)
    shown = repr(roster) + str(roster) + repr(roster.pupils) + repr(list(roster))
    assert "13 pupils" in repr(roster)
    for word in pupil_name_words:
        assert word not in shown.lower()


def test_reads_staff_and_derives_roles_when_file_is_valid(staff_path: Path) -> None:
    staff = load_staff(staff_path)
    assert [m.role for m in staff] == ["headteacher", "dsl", "teacher", "site_staff", "teaching_assistant"]
    assert "Fairbrother" not in repr(staff)
    assert repr(staff) == "StaffList(5 staff)"


def test_raises_with_line_when_staff_row_is_broken(tmp_path: Path) -> None:
    path = _write(tmp_path, "Title,First Name,Last Name,Role\nMr,Fenwick,,Teacher\n", "staff.csv")
    with pytest.raises(RosterError, match=r"line 2: empty last name"):
        load_staff(path)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("Headteacher", "headteacher"),
        ("Head Teacher and DSL", "headteacher"),
        ("Executive Headteacher", "headteacher"),
        ("Deputy Headteacher and DSL", "dsl"),
        ("Deputy Designated Safeguarding Lead", "dsl"),
        ("Deputy Head", "deputy_headteacher"),
        ("Year 4 Teacher", "teacher"),
        ("Teaching Assistant", "teaching_assistant"),
        ("Caretaker", "site_staff"),
        ("Office Manager", "office"),
        ("SENCo", "senco"),
        ("Chair of Governors", "governor"),
        ("Cook", "staff"),
    ],
)
def test_maps_role_when_job_title_is_free_text(role: str, expected: str) -> None:
    assert role_from_text(role) == expected
