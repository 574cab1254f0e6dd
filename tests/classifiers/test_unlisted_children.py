"""UnlistedChildClassifier and word-names: children off the roster, and names that are also ordinary words."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.base import Label
from classifiers.identity import PupilNameClassifier, UnlistedChildClassifier, load_roster


@pytest.fixture(scope="module")
def unlisted() -> UnlistedChildClassifier:
    detector = UnlistedChildClassifier(
        ["Summer", "Pennyworth", "Imelda", "Fairbrother"], class_names=["Willow", "Oak", "4T"]
    )
    detector.load()
    return detector


UNLISTED = [
    ("My son Tyrese in year 4 was pushed over at lunch", ["Tyrese"]),
    ("Well done to Zofia in 3B for her poem", ["Zofia"]),
    ("little Jaxon was crying at the gate again", ["Jaxon"]),
    ("There's a Year 5 lad called Dawid on our estate out on his bike till 11", ["Dawid"]),
    ("my son, Oskar, is in reception", ["Oskar"]),
    ("Ezra (4T) was brilliant in the play", ["Ezra"]),
    ("my daughter Priyanka is 7 years old", ["Priyanka"]),
    # Secondary tutor groups: "10KH", "9-2".
    ("Massive well done to Kofi in 10KH for the match", ["Kofi"]),
    ("Lennox from 9-2 found my purse", ["Lennox"]),
    ("Marcus in 10km of rain, what a hero", []),
    # Hard negatives: loose context, famous people, words, roster and staff names (other detectors' job).
    ("My son loves Harry Kane", []),
    ("The Three Little Birds singalong had the whole hall going", []),  # a title, not "little Birds"
    ("Jake's mum says hi", []),
    ("our daughter mia loves it", []),
    ("Happy birthday to Mum!", []),
    ("Well done to Year 6 for the concert", []),
    ("my daughter Christmas jumper day was fun", []),
    ("Well done to Summer in 2T", []),
    ("Happy birthday to Mrs Fairbrother", []),
    ("my son Will is in year 2", []),
    # The school's own class names from the roster ("Willow", "Oak"), with "in" or in brackets.
    ("Our Alfie in Willow class has a chest infection", ["Alfie"]),
    ("Our Lottie (Oak) rang the bell", ["Lottie"]),
    ("Went for a walk in Oak woods with Rufus", []),
    ("Jem Oak is playing at the village hall", []),
    # "our" for one of the family: a child when the comment is about school, someone else otherwise.
    ("our Jakub got his GCSE results today, so proud", ["Jakub"]),
    ("our Sharon said the summer fair was good", []),
]


@pytest.mark.parametrize(("text", "spans"), UNLISTED)
def test_finds_children_off_the_roster_when_context_is_tight(
    unlisted: UnlistedChildClassifier, text: str, spans: list[str]
) -> None:
    findings = unlisted.classify(text)
    assert [text[f.start : f.end] for f in findings] == spans
    assert all(f.label is Label.PUPIL_IDENTIFIED and f.attribute("on_roster") == "no" for f in findings)


WORD_ROSTER = """\
Forename,Surname,Preferred Forename,Year,Reg Group,Name Consent
Willow,Ferncastle,,Year 3,3W,No
Hope,Stanbridge,,Year 5,5S,No
Faith,Dunmere,,Year 2,2D,No
Summer,Blackwood,,Year 4,4B,No
Amber,Lyle,,Year 1,1L,No
Ruby,Tennant,,Year 6,6T,No
Daisy,Coverdale,,Year 3,3W,No
Mark,Oyelowo,,Year 5,5S,No
Pearl,Haskins,,Year 2,2D,No
Skye,Ravensworth,,Year 4,4B,No
Florence,Achebe,,Year 6,6T,No
Harmony,Pike,,Year 1,1L,No
Storm,Devereux,,Reception,RC,No
Ivy,Marchetti,,Year 5,5S,No
"""

# Every one of these uses a roster first name as an ordinary word, a place, a month-like word or a
# famous person: none identifies a pupil.
WORD_NEGATIVES = [
    "The willow tree by the pond has been cut back",
    "We hope everyone has a lovely half term",
    "Have faith in the process, results will come",
    "Summer term dates are on the website",
    "Amber weather warning for tomorrow, check the app",
    "Ruby wedding anniversary for our lollipop lady!",
    "Daisy chains on the field at lunch",
    "Please mark the reading records each night",
    "Pearl of wisdom from the head today",
    "Sky blue is the new PE colour",
    "Florence Nightingale topic for year 2",
    "Harmony day assembly on Friday",
    "Storm warning: school closes at 1pm",
    "Ivy covered wall in the garden looks lovely",
    "Trip to Florence for the staff was amazing",
    "Mark my words, the car park will flood again",
    "Summer fair raised £900",
    "I hope my son gets a place in the choir",
    "Our amber group did really well in phonics",
    "the storm last night knocked the fence down",
]
WORD_POSITIVES = [
    ("Willow Ferncastle got star of the week", "Willow Ferncastle"),
    ("Well done to Hope in 5S", "Hope"),
    ("my daughter Faith came home buzzing", "Faith"),
    ("Summer B from 4B lost her jumper", "Summer B"),
    ("Amber in year 1 read to the class", "Amber"),
    ("ruby tennant's mum here, thank you", "ruby tennant"),
    ("Congratulations to Daisy (3W) on her swimming badge", "Daisy"),
    ("Mark Oyelowo scored a hat-trick", "Mark Oyelowo"),
    ("Our Pearl loved the trip", "Pearl"),
    ("Skye Ravensworth was brilliant as Mary", "Skye Ravensworth"),
    ("Florence A in 6T was amazing", "Florence A"),
    ("Storm Devereux lost his book bag", "Storm Devereux"),
]


@pytest.fixture(scope="module")
def word_roster_detector(tmp_path_factory: pytest.TempPathFactory) -> PupilNameClassifier:
    path: Path = tmp_path_factory.mktemp("roster") / "roster.csv"
    path.write_text(WORD_ROSTER, encoding="utf-8")
    detector = PupilNameClassifier(load_roster(path))
    detector.load()
    return detector


@pytest.mark.parametrize("text", WORD_NEGATIVES)
def test_ignores_roster_names_when_used_as_words(
    word_roster_detector: PupilNameClassifier, text: str
) -> None:
    assert word_roster_detector.classify(text) == []


@pytest.mark.parametrize(("text", "span"), WORD_POSITIVES)
def test_finds_word_names_when_they_name_a_pupil(
    word_roster_detector: PupilNameClassifier, text: str, span: str
) -> None:
    assert [text[f.start : f.end] for f in word_roster_detector.classify(text)] == [span]
