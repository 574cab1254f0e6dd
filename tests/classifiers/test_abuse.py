"""AbuseClassifier: UK insults, slurs, targeted profanity and threats, with the hard negatives that matter."""

from __future__ import annotations

import pytest

from classifiers.abuse import AbuseClassifier, AbuseModel
from classifiers.base import Label
from tests.classifiers.conftest import constant_head


@pytest.fixture(scope="module")
def detector() -> AbuseClassifier:
    detector = AbuseClassifier()
    detector.load()
    return detector


POSITIVES = [
    ("You're an absolute muppet", Label.ABUSE, "muppet"),
    ("what a knobhead, honestly", Label.ABUSE, "knobhead"),
    ("The new head is a complete tosser", Label.ABUSE, "tosser"),
    ("Mr Mensah is a total melt", Label.ABUSE, "melt"),
    ("That SENCo needs sacking, thick as mince", Label.ABUSE, "thick as mince"),
    ("the little toerag took her phone", Label.ABUSE, "toerag"),
    ("I'll be outside your house tonight, sir", Label.THREAT, "I'll be outside your house"),
    ("hope the roof caves in on the lot of you", Label.ABUSE, "hope the roof caves in on the lot"),
    ("whoever decided this wants their head kicking in", Label.ABUSE, "wants their head kicking in"),
    ("He is a grass and everyone knows it", Label.ABUSE, "grass"),
    ("that useless cow of a teacher needs to go", Label.ABUSE, "useless cow of a teacher"),
    ("Mrs Pemberton's a dozy auld mare", Label.ABUSE, "dozy auld mare"),
    ("rang me four times over a dentist appointment. get a life woman", Label.ABUSE, "get a life woman"),
    ("gan back to Leeds the lot of yer", Label.ABUSE, "gan back to Leeds the lot of yer"),
    (
        "she lives at 4 Mill Row if anyone fancies going round to tell her what they think",
        Label.THREAT,
        "anyone fancies going round to tell her what they",
    ),
    ("someone go round and teach her a lesson", Label.THREAT, "someone go round and teach her a lesson"),
    ("her dad's a menace, someone go and sort him out", Label.THREAT, "someone go and sort him out"),
    ("you're a waste of space", Label.ABUSE, "waste of space"),
    ("Bellend.", Label.ABUSE, "Bellend"),
    ("wanker", Label.ABUSE, "wanker"),
    ("some pillock parked across the gate again", Label.ABUSE, "pillock"),
    ("she's a scrubber and a slag", Label.ABUSE, "scrubber and a slag"),
    ("Absolute twat of a man", Label.ABUSE, "twat"),
    ("you lot are pathetic", Label.ABUSE, "you lot are pathetic"),
    ("The teachers here are so lazy", Label.ABUSE, "The teachers here are so lazy"),
    ("run by a bunch of clowns", Label.ABUSE, "clowns"),
    ("Go back to your own country", Label.ABUSE, "Go back to your own country"),
    ("f**k off the lot of you", Label.ABUSE, "f**k off"),
    ("F*** this school and every single one of you", Label.ABUSE, "F*** this school"),
    ("f#ck the lot of you", Label.ABUSE, "f#ck the lot of you"),
    ("this is f***ing ridiculous", Label.ABUSE, "f***ing"),
    ("tw4t", Label.ABUSE, "tw4t"),
    ("Hope you all rot", Label.ABUSE, "Hope you all rot"),
    ("Keep your kids away from that family", Label.ABUSE, "Keep your kids away"),
    ("Immigrants are ruining this town", Label.ABUSE, "Immigrants are ruining"),
    ("the head is a jumped up little nobody", Label.ABUSE, "jumped up little nobody"),
    ("that receptionist is a stuck-up little madam", Label.ABUSE, "stuck-up little madam"),
    ("you're so gobby", Label.ABUSE, "you're so gobby"),
    ("bunch of scrotes hanging round the gates", Label.ABUSE, "scrotes"),
    ("you lot are getting merked on friday", Label.THREAT, "getting merked"),
    ("Skanky little lot in that class", Label.ABUSE, "Skanky little lot"),
    (
        "Letting traveller families in now? Better lock up your bikes",
        Label.ABUSE,
        "traveller families in now? Better lock up your bikes",
    ),
    # Threats without a single swear word.
    ("I know where you live", Label.THREAT, "I know where you live"),
    ("Watch your back, sir", Label.THREAT, "Watch your back"),
    ("we know what time you leave, miss", Label.THREAT, "we know what time you leave"),
    ("you'll regret this", Label.THREAT, "you'll regret this"),
    ("Someone should burn that place down", Label.THREAT, "Someone should burn that place down"),
    ("someone needs to torch the school", Label.THREAT, "someone needs to torch the school"),
    ("wait till I see her at the gates", Label.THREAT, "wait till I see her"),
    ("I'm going to batter him", Label.THREAT, "I'm going to batter him"),
    ("i will kill that teacher", Label.THREAT, "i will kill that teacher"),
    ("If she says that again I'll knock her out", Label.THREAT, "I'll knock her out"),
    ("Your days are numbered", Label.THREAT, "Your days are numbered"),
    (
        "I'll be waiting for you outside the school",
        Label.THREAT,
        "I'll be waiting for you outside the school",
    ),
    # Veiled threats with no violent word.
    (
        "someone should be waiting for her at the gate one night",
        Label.THREAT,
        "someone should be waiting for her",
    ),
    ("A few of us should pay him a visit", Label.THREAT, "A few of us should pay him a visit"),
    ("Tell him he wants to watch himself walking back to his car", Label.THREAT, "he wants to watch himself"),
    (
        "Her address is on the PTA list if anyone wants to go round and tell her what we think",
        Label.THREAT,
        "if anyone wants to go round",
    ),
    (
        "Her home address is on there if anyone wants to go and ask her in person",
        Label.THREAT,
        "if anyone wants to go and ask her",
    ),
    ("That nit-ridden little lad wants keeping at home", Label.ABUSE, "nit-ridden little lad"),
    # London and general UK slang aimed at someone.
    ("Mr Baker is a proper wet wipe", Label.ABUSE, "wet wipe"),
    ("you absolute mug", Label.ABUSE, "mug"),
    ("the head's a bozo", Label.ABUSE, "bozo"),
    (
        "Worst nativity ever. The teachers clearly couldn't be bothered. Pathetic.",
        Label.ABUSE,
        "teachers clearly couldn't be bothered. Pathetic",
    ),
    ("Knock on his door, see how he likes it", Label.THREAT, "see how he likes it"),
    # Name-calling built from words that are insults only in context.
    ("the mum who complained is a sad bitter old witch", Label.ABUSE, "sad bitter old witch"),
    ("Okafor is a liar and a fraud", Label.ABUSE, "liar and a fraud"),
    ("the parents moaning on here are wastes of oxygen", Label.ABUSE, "wastes of oxygen"),
    ("Staff room full of dossers", Label.ABUSE, "dossers"),
    ("Rotten from top to bottom. Burn it down and start again", Label.THREAT, "Burn it down"),
    (
        "Maybe somebody should go round and have a word",
        Label.THREAT,
        "somebody should go round and have a word",
    ),
    ("We all know what car he drives.", Label.THREAT, "We all know what car he drives"),
    # Midlands and Northern wishes of harm, masked slurs, group hostility by form group, old insults.
    ("Mr Bassi wants stringing up", Label.ABUSE, "wants stringing up"),
    (
        "Hope the flood takes the whole lot of you with it",
        Label.ABUSE,
        "Hope the flood takes the whole lot of you",
    ),
    ("Too many p*kis at that school now", Label.ABUSE, "p*kis"),
    ("The Polish kids in 9K1 stink", Label.ABUSE, "Polish kids in 9K1 stink"),
    ("Get a life you nosy old bat", Label.ABUSE, "old bat"),
    ("div teachers can't even spell definitely", Label.ABUSE, "div"),
    ("the senco is a waste of oxygen", Label.ABUSE, "waste of oxygen"),
    ("Mr Stone in the isolation room is a power tripping little weasel", Label.ABUSE, "weasel"),
    ("couldn't coach a netball team out of a paper bag, useless article", Label.ABUSE, "useless article"),
    ("her and her little gang, stuck up nowts the lot of them", Label.ABUSE, "stuck up nowts"),
    (
        "Hope the fella who runs the uniform shop chokes on one of his £18 jumpers",
        Label.ABUSE,
        "Hope the fella who runs the uniform shop chokes",
    ),
    # Telling people to leave, and hostility without a slur.
    ("just go back to where you came from", Label.ABUSE, "go back to where you came from"),
    ("Go back to Romania, all of you", Label.ABUSE, "Go back to Romania, all of you"),
    ("fine school once. Go back to Albania", Label.ABUSE, "Go back to Albania"),
    ("Eastern Europeans have taken over the whole estate", Label.ABUSE, "Eastern Europeans have taken over"),
    ("the infants is overrun with migrants now", Label.ABUSE, "overrun with migrants"),
    ("you can't see a white face at that gate anymore", Label.ABUSE, "can't see a white face"),
    ("The new maths teacher can't even speak English", Label.ABUSE, "can't even speak English"),
    ("she's a little liar and always has been", Label.ABUSE, "liar"),
    ("I know where Mr Quill lives. Just saying.", Label.THREAT, "I know where Mr Quill lives"),
    ("I know where he waits for his bus", Label.THREAT, "I know where he waits for his bus"),
    ("her dad is a smackhead and everyone knows it", Label.ABUSE, "smackhead"),
    ("tha's a lazy get, sat in thi hut all day", Label.ABUSE, "lazy get"),
    ("his mum is a gobby mare", Label.ABUSE, "gobby mare"),
    ("thinks she's it in them photos, absolute state of her 😂", Label.ABUSE, "absolute state of her"),
    (
        "he lives at 12 Orchard Way if anyone fancies having a word",
        Label.THREAT,
        "lives at 12 Orchard Way if anyone fancies having a word",
    ),
]

NEGATIVES = [
    # A child's own words about herself, an invitation with no address, and "get" as a verb.
    "she keeps saying she's fat. She's 9, I'm worried sick",
    "if anyone fancies a word with the head about parking, the office is open",
    "the lazy get up late on Sundays in our house",
    "we went back to Whitby the lot of us, lovely day",
    "the firefighters came round to teach them about smoke alarms",
    "Miss Bell will teach them a lesson in fractions",
    "can someone pop round and give my neighbour the letter",
    "I need to get a life outside work lol",
    # Going home, taking over a job, and words that name a thing rather than a person.
    "We go back to Poland every summer to see the grandparents",
    "Go back to Lithuania for Christmas? We do most years",
    "The Polish families took over the running of the PTA stall and it was brilliant",
    "She is a dog lover, the class hamster was safe with her",
    "He's a pig farmer's lad and brought piglets for show and tell",
    # A parent laughing about their own child or partner, not a threat.
    "My lad's left his PE kit on the bus AGAIN, I'll murder him 😂",
    "our Tiana has lost her third cardigan this term, I'll strangle her lol",
    "He wants to watch himself on the ice, the playground is lethal this morning",
    "Please pack wet wipes and a spare top for the farm trip",
    "Hope the rain dies down before sports day",
    "An article in the paper about the new head",
    "Two mugs of tea for the governors please",
    "The staff were brilliant today. Pathetic effort from the other team's coach though, he never turned up",
    "That cake was lovely and moist, well done Year 4",
    "If anyone wants to go and see the nativity there are spare tickets",
    "If anyone wants to go round the Christmas market on Saturday we're meeting at ten",
    "The snow should melt by lunchtime",
    "The grass on the field needs cutting",
    "He is not a spineless coward, he stood up for my son",
    "That photo of the team wants hanging in the hall",
    "We're top of Div 2 after Saturday's win",
    "Hope the flood water has gone by Monday for the kids",
    "I'll be outside your house to pick up the costume at 6",
    "The pirate play ended with Captain Hook walking the plank",
    "The kids killed it at sports day!",
    "Year 6 smashed the bake sale, £300 raised",
    "Dying to see the photos from the residential",
    "The choir knocked it out of the park",
    "Great trip to Scunthorpe and Penistone museums",
    "Cocktail evening for the PTA on Friday",
    "The assessment results are in",
    "A bit disappointed with the communication about the trip",
    "He called my son a wanker and nothing was done",
    'My daughter was called a "slag" by a boy in her class',
    "The kids are using words like twat in the playground",
    "The pig at the farm visit was so cute",
    "She was a witch in the nativity, so proud",
    "I'll drop him off at 8 tomorrow",
    "We're going to beat them on Saturday!",
    "You'll pay £5 on the door",
    "Dead good day out, thanks all",
    "Muppets Christmas Carol film afternoon on Friday",
    "I could kill for a cuppa after that",
    "Drop dead gorgeous costumes",
    "The lazy river at the swimming trip was a hit",
    "It was a thick coat kind of day",
    "a fat lot of good that did",
    "There was nobody at the gate to let us in",
    "Madam Butterfly at the opera house with year 6",
    "I know where the bus goes after school",
    "Windy today, lock up your bikes in the shelter",
    "Polish families run the best bakery in town",
    "I'll see you at parents evening",
    "I'll be waiting at the gate at 3",
    "Thank you for a wonderful term",
    "Mr Dickens' class read Great Expectations",
    "I'll kill him if he's lost another blazer 🙈 third one this year",  # exasperation, not a threat
    "I'll be waiting for you at the gate with your PE kit x",
    "The candle was burning down nicely at the carol service",
    "Someone should be waiting for the kids at the gate to hand out leaflets",
    "my son says he gets picked on for how he smells",  # a report of bullying, not shaming
]


@pytest.mark.parametrize(("text", "label", "span"), POSITIVES)
def test_flags_abuse_and_threats_when_present(
    detector: AbuseClassifier, text: str, label: Label, span: str
) -> None:
    findings = detector.classify(text)
    assert any(f.label is label and text[f.start : f.end] == span for f in findings), [
        (f.label, text[f.start : f.end]) for f in findings
    ]


@pytest.mark.parametrize("text", NEGATIVES)
def test_stays_quiet_when_language_is_benign_or_reported(detector: AbuseClassifier, text: str) -> None:
    assert detector.classify(text) == []


def test_marks_arson_and_threats_to_life_for_the_police_when_severe(detector: AbuseClassifier) -> None:
    kinds = {f.attribute("kind") for f in detector.classify("someone should burn the school down")}
    assert kinds == {"arson"}
    kinds = {f.attribute("kind") for f in detector.classify("I'm going to stab him")}
    assert kinds == {"life"}
    kinds = {f.attribute("kind") for f in detector.classify("I'll slap her")}
    assert kinds == {"violence"}


def test_sees_through_zero_width_and_fullwidth_obfuscation_when_hiding_insults(
    detector: AbuseClassifier,
) -> None:
    text = "you absolute w\u200banker and ｔｗａｔ"
    spans = [text[f.start : f.end] for f in detector.classify(text)]
    assert spans == ["w\u200banker and ｔｗａｔ"]


def test_slurs_score_as_hate_when_used(detector: AbuseClassifier) -> None:
    findings = detector.classify("those pikeys by the park")
    assert [f.attribute("kind") for f in findings] == ["slur"]
    assert findings[0].score >= 0.9


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("F*** this school and every single one of you", True),  # aimed at people: stands on its own
        ("I know where you live", True),  # a threat
        ("this is f***ing ridiculous", False),  # untargeted: the model decides
        ("some pillock parked across the gate again", False),
        ("Mr Okafor is a liar and a fraud", True),  # two insults together are name-calling
    ],
)
def test_only_decisive_rules_stand_when_the_model_says_no(
    detector: AbuseClassifier, text: str, kept: bool
) -> None:
    model = AbuseModel(constant_head("abuse"), detector)
    findings = model.combine(text, 0.2, detector.classify(text))
    assert findings, "the rule findings are kept for highlighting either way"
    assert any(f.score >= 0.5 for f in findings) is kept
