"""PersonalDetailsClassifier: UK phones, emails, postcodes and addresses, but never the school's own."""

from __future__ import annotations

import pytest

from classifiers.identity import PersonalDetailsClassifier

OFFICIAL_PHONE = "0113 496 0999"
OFFICIAL_EMAIL = "office@brookfield.example.sch.uk"


@pytest.fixture(scope="module")
def detector() -> PersonalDetailsClassifier:
    detector = PersonalDetailsClassifier([OFFICIAL_PHONE], [OFFICIAL_EMAIL])
    detector.load()
    return detector


POSITIVES = [
    ("Ring me on 07700 900123 about lifts", "07700 900123", "UK mobile number"),
    ("whatsapp 07700900456", "07700900456", "UK mobile number"),
    ("text +44 7700 900789 please", "+44 7700 900789", "UK mobile number"),
    ("my landline is 0113 496 0123", "0113 496 0123", "UK landline number"),
    ("020 7946 0321 is my work number", "020 7946 0321", "UK landline number"),
    ("my email is jo.bloggs+school@example.com thanks", "jo.bloggs+school@example.com", "email address"),
    ("Post it to LS1 4AP", "LS1 4AP", "UK postcode"),
    ("postcode is ls1 4ap", "ls1 4ap", "UK postcode"),
    ("we're at SW1A1AA", "SW1A1AA", "UK postcode"),
    ("Party at 14 Acacia Avenue from 2pm", "14 Acacia Avenue", "street address"),
    ("I'm at flat 3, 22 Mill Road", "flat 3, 22 Mill Road", "street address"),
    ("She lives on Cherry Tree Lane now", "Cherry Tree Lane", "street address"),
    ("DOB: 12/03/2017", "DOB: 12/03/2017", "date of birth"),
    # Welsh street names put the kind of street first; "lives at" or "my address is" says an address follows.
    ("Send it to 3 Heol Las please", "3 Heol Las", "street address"),
    ("my address is 22 stryd y capel, if school wants the form", "22 stryd y capel", "street address"),
    ("her mum lives at 7 maes yr onnen, she collected the money", "7 maes yr onnen", "street address"),
    ("he lives at 41 Ashdown, the one with the red door", "41 Ashdown", "street address"),
]

NEGATIVES = [
    f"Call the office on {OFFICIAL_PHONE} to book",
    "Call the office on +441134960999 to book",
    f"Email {OFFICIAL_EMAIL} for forms",
    "The Gazette would like to speak to the head. Please reply to newsdesk@example.org",
    "tickets from bookings@example.net or info@example.com",
    f"Email {OFFICIAL_EMAIL.upper()} for forms",
    "Year 3 Nature Walk is on Friday",
    "We raised £240 at the fair, 1234 people came",
    "Term dates 2024-2025 are on the website",
    "Meet at 10 for the Park Run",
    "Chapter 12 Lane family saga is on the reading list",
    "Room 4 Green Team won",
    "Ring 999 in an emergency",
    "she lives at 3 different houses with her dad",
    "he stays at 2 nights a week at his nan's",
]


@pytest.mark.parametrize(("text", "span", "explanation"), POSITIVES)
def test_finds_personal_details_when_posted(
    detector: PersonalDetailsClassifier, text: str, span: str, explanation: str
) -> None:
    findings = detector.classify(text)
    assert [(text[f.start : f.end], f.explanation) for f in findings] == [(span, explanation)]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ignores_official_contacts_and_numbers_when_not_personal(
    detector: PersonalDetailsClassifier, text: str
) -> None:
    assert detector.classify(text) == []


def test_finds_every_detail_when_several_are_posted(detector: PersonalDetailsClassifier) -> None:
    text = "Autumn party at 9 Willow Grove, Marshton MT3 2RT, call 07700 900222"
    kinds = [f.explanation for f in detector.classify(text)]
    assert kinds == ["street address", "UK postcode", "UK mobile number"]
