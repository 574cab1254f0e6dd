"""SafeguardingClassifier: disclosures and concerns about a child's safety. Recall first."""

from __future__ import annotations

import pytest

from classifiers.base import Label
from classifiers.safeguarding import SafeguardingClassifier


@pytest.fixture(scope="module")
def detector() -> SafeguardingClassifier:
    detector = SafeguardingClassifier()
    detector.load()
    return detector


POSITIVES = [
    ("he hits her when he's drunk", "harm"),
    ("there's no food at home most days", "abuse_neglect"),
    ("the little ones are left alone every evening", "abuse_neglect"),
    ("she's scared to go home", "abuse_neglect"),
    ("my daughter has been self-harming", "self_harm"),
    ("he said he wants to die", "self_harm"),
    ("a man keeps messaging her on Snapchat asking for photos", "grooming"),
    ("the TA grabbed Robin by the arm so hard it bruised", "harm"),
    ("she came round for tea and ate like she hadn't eaten in days", "abuse_neglect"),
    ("Our Zuzia didn't come out at home time and nobody can tell me where she is", "missing_child"),
    ("she is adopted and her birth dad has found her on Facebook", "court_order"),
    ("saw a boy being dragged into a car by a man on Fold Lane", "grooming"),
    ("a teacher keeps offering year 11 girls lifts home", "grooming"),
    ("she has been cutting again, she showed us in PE", "self_harm"),
    ("he told her to keep it a secret from her mum", "grooming"),
    ("older lads are sharing nudes of a year 9 girl", "sexual_images"),
    ("my son is being bullied every day", "bullying"),
    ("the girls won't let her play and call her names", "bullying"),
    ("a boy in his class keeps kicking my son", "harm"),
    ("one of the dads was screaming at the children at pick up", "adult_harm"),
    ("a man in a van was taking photos of the kids at the gates", "stranger"),
    ("someone was filming the children in the playground", "stranger"),
    ("she's allergic to nuts and was given a cereal bar with peanuts", "medical"),
    ("his inhaler was not given on the trip", "medical"),
    ("her dad isn't allowed to collect her, there's a court order", "court_order"),
    ("I don't consent to my child's photo being posted", "consent"),
    ("please take down the photo of my son, he is adopted and mustn't be identified", "consent"),
    ("the police were called to their house again", "domestic_abuse"),
    ("they lost a child on the beach trip", "missing_child"),
    ("some year 10s are selling vapes to year 7s", "substances_weapons"),
    ("a pupil brought a knife into school", "substances_weapons"),
    ("the caretaker watches the girls in the changing rooms", "sexual_harm"),
    ("who do I talk to about a safeguarding concern?", "concern"),
    # "son " ends in "on ": these were once taken for curriculum mentions ("talk on ...") and dropped.
    ("my son self-harms and the school hasn't noticed", "self_harm"),
    ("my son bullied by older boys on the bus again", "bullying"),
    ("my son didn't come home last night", "missing_child"),
    ("nobody knows where she is and it's nearly dark", "missing_child"),
    ("Zed turns up every day in the same filthy clothes", "abuse_neglect"),
    ("he is always starving by first break", "abuse_neglect"),
    ("his mum's boyfriend was drink driving with the kids in the car", "abuse_neglect"),
    ("she is being called fat by her whole table", "bullying"),
    ("he gets pushed around every lunchtime", "bullying"),
    ("there is a video of Tamsin Orrell getting changed on snapchat", "sexual_images"),
    ("a pic of one of the year 8 girls is going round the group chat", "sexual_images"),
    ("year 10s are selling vapes to year 7s by the bike sheds", "substances_weapons"),
    ("who's the DSL this week? I need to report something", "concern"),
    ("I'm worried, she told me something about her swimming coach", "concern"),
    ("the man at the chippy deals weed to the year 10s", "substances_weapons"),
    ("she's been frozen out by her whole form since Christmas", "bullying"),
    ("they set up a group chat just to mock him", "bullying"),
    ("tell him he's getting merked after school", "bullying"),
    ("her cousin is being sent abroad this summer to get married, she's 15", "forced_marriage"),
    ("I'm worried she'll be cut when they go home in the holidays, is that FGM?", "forced_marriage"),
    ("the coach driver was drunk on the way back from the trip", "adult_harm"),
    ("Mr Lyle smelled of alcohol at pick up with the kids", "adult_harm"),
    ("we moved to get away from their dad, please keep them off the website", "court_order"),
    ("he has a nut allergy and was given a cake with almonds in it", "medical"),
    # Attacks filmed and spread, consent withdrawn, a child passing on a worry.
    ("he got jumped by the canal by lads from another school", "bullying"),
    ("someone filmed it and its all over tiktok with his face", "image_sharing"),
    ("We withdrew photo consent in September for a reason", "consent"),
    ("Please take down the netball photo with her in it", "consent"),
    ("her father is not supposed to know where she is", "court_order"),
    ("Something my daughter told me last night about a girl in her form", "concern"),
    # Coercion, hunger, a drunk driver on the school run, unlabelled allergens, worries about home.
    ("The big lads have been making a little lad from year 2 eat mud behind the shed", "bullying"),
    ("She's been turning up at ours at teatime starving, there's nowt in at home", "abuse_neglect"),
    ("Her dad lost his licence for drink-driving and he's still doing the school run", "abuse_neglect"),
    ("He has a severe nut allergy and the cake stall had no labels at all", "medical"),
    ("Who do I talk to if I'm worried about what's going on at a kid's home?", "concern"),
    ("I don't want to say more on here but please ring me", "concern"),
    ("A video of the girls dancing is on TikTok and there's grown men in the comments", "grooming"),
    # Violence at a pupil's home, a child not seen and nobody checking, a cupboard as a punishment.
    ("Her dad knocks her mom about, police were round there again Saturday", "domestic_abuse"),
    ("She hasn't been in since half term and nobody's answering the door at theirs", "missing_child"),
    ("Is anyone checking on her? Haven't seen her for weeks", "missing_child"),
    ("a teacher who used to lock kids in the book cupboard as a time out", "abuse_neglect"),
    ("Who do I speak to about a child protection worry?", "concern"),
    ("Some lad is selling weed round the back of the sports hall to the little ones", "substances_weapons"),
    ("Her inhaler was left in the classroom when the class walked up to church", "medical"),
    # Signs rather than words: exploitation, suicidal hints, adults where children undress.
    ("Tamsin's been seen getting into a silver car with older lads after school", "grooming"),
    ("he keeps talking about how everyone would be better off without him", "self_harm"),
    ("she wrote on her story that she won't be around much longer", "self_harm"),
    ("her mates say she keeps posting about wanting to vanish", "self_harm"),
    ("he told his friend nobody would miss him if he was gone", "self_harm"),
    ("a fake account has been messaging year 8 girls offering modelling work", "grooming"),
    ("the girls in my son's class keep calling him a 'fat freak'", "bullying"),
    ("a man with a camera was taking photos of the lasses at netball", "stranger"),
    ("Year 5 get changed for swimming while the male coach stands in the doorway", "adult_harm"),
    ("one of the TAs drove a pupil home in her own car with nobody else there", "adult_harm"),
    ("Who is the DSL at the moment? I need to speak to someone urgently about my nephew", "concern"),
    ("her stepdad is a wife beater, the police know him", "domestic_abuse"),
    ("a sixth former has been filming the year 7 girls in the changing block", "sexual_harm"),
    ("he's been putting videos of her up on his private story", "image_sharing"),
    ("consent was withdrawn for my son's photo and he's on the website again", "consent"),
    ("i said no to photos and her face is all over the new prospectus", "consent"),
    ("Pip's been off for weeks and nobody's seen her mum, curtains shut all day", "abuse_neglect"),
    ("she's been crying every morning at the gate and won't say why", "concern"),
    ("he's terrified to walk home past the park now", "concern"),
    ("two lads keep telling my son they'll 'batter' him after school", "bullying"),
    ("sir made the class run laps in the hail till one lad was sick", "adult_harm"),
    ("the school covered up the assault on the year 9 trip", "concern"),
    ("a boy nearly fell off the harbour wall and no teacher anywhere near them", "missing_child"),
    ("our Tam had an asthma attack on the coach and nobody had an inhaler", "medical"),
    ("her dad batters her mam, he's on bail for it", "domestic_abuse"),
    ("he came home with a massive bruise, said it was from PE but I don't believe him", "harm"),
    ("Nell from 9B has been missing since last night, please share", "missing_child"),
    ("he came home with a split lip again, says he fell off the wall", "harm"),
    ("there's a fella hanging about by the field fence chatting to the kids through it", "stranger"),
    ("a bloke hangin round the gennel giving spice and vapes to the year sevens", "substances_weapons"),
    ("comes home with new trainers and cash and won't say where from", "substances_weapons"),
    ("she's been getting lifts off some older lads from the estate", "substances_weapons"),
    ("Mr Quill was drinking cans while driving the minibus back from the match", "adult_harm"),
    ("I'll smash that Pemberton kid's face in if he touches my lad again", "adult_harm"),
    ("he's diabetic and the dinner staff gave him a pudding again", "medical"),
]

NEGATIVES = [
    # Absent from lessons, a child missing her nan, and a minibus driven home singing.
    "he has been missing school a lot with his chest",
    "she's been missing her nan since the move",
    "the lads smashed it at the away game and drove the minibus home singing",
    "she won't say where she's going for her birthday, it's a surprise",
    "the nice man from the fire station was chatting to the kids about smoke alarms",
    "she's diabetic so the school nurse gave her insulin before the trip",
    # Knocks from sport worn with pride, a win, and prices that are high.
    "our lad got a black eye at rugby on Saturday, proper shiner, he's made up with it",
    "massive bruise on her shin from hockey, she's well proud of it",
    "she beat a year 9 in the final of the spelling bee!",
    "rents are that high half my son's old class have moved away",
    "she beats her mum at chess every night",
    "my mum keeps telling him she'll get him a phone for christmas",
    "school covered up the new hall windows with posters for the fair",
    # Lost things and adopted pets, not missing or protected children.
    "The trip letter never came home in his bag",
    "Taylor's reading book has gone missing since half term",
    "Our cat went missing near the school gates",
    "A robin sits on the fence every morning and the kids have adopted him",
    "Anti-bullying week assembly was brilliant",
    "That county lines story in the Express & Star is every parent's nightmare",
    "Online safety evening for parents on Tuesday. Covers sextortion scams and parental controls",
    "Nobody answered the door at the office when I dropped the forms off",
    "The new head was pushed out of her last job for bullying staff",
    "Our safeguarding policy is on the website",
    "The kids killed it at sports day",
    "My son kicked the ball over the fence",
    "Lovely photos of the children at sports day",
    "Drugs awareness workshop for year 6 parents",
    "What time does the disco finish?",
    "Congratulations on the Ofsted result",
    "Talk on online safety for parents next Tuesday",
    "Daisy in 5B is selling friendship bracelets for Children in Need",
    "we never got home till 8 after the trip, what a day",
    "he didn't come home with his PE kit again",
    "we're going to batter them at football on saturday",
    "Congratulations to Mrs Ojo who got married in the holidays",
    "Absolutely hammered it on the school run this morning, ten minutes flat",
    "High fives all round for the class assembly",
    "Had to wear the same jumper every day of the residential, he loved it",
    # Sport, streets and litter picks.
    "Our rugby lads got battered 42-3 but heads up boys",
    "Burger King on the high st is rammed with kids every lunchtime",
    "So good to see young people litter picking on the canal path",
    "Something my son told me about his teacher made me laugh",
    "The Year 6s made us all eat our words with that performance",
    "The nut-free cake stall was clearly labelled, thank you PTA",
    # First-person exaggeration and adults only.
    "I want to disappear after that parents' evening 😂",
    "we'd be better off without him as chair of governors",
    "nobody would notice if the car park was resurfaced, it's that bad",
    "my husband got into the car with the older lads from the five-a-side",
    "the reception girls get changed with the female TA helping with buttons",
]


@pytest.mark.parametrize(("text", "kind"), POSITIVES)
def test_flags_concern_when_disclosed(detector: SafeguardingClassifier, text: str, kind: str) -> None:
    findings = detector.classify(text)
    assert findings, text
    assert all(f.label is Label.SAFEGUARDING for f in findings)
    assert kind in {f.attribute("kind") for f in findings}


@pytest.mark.parametrize("text", NEGATIVES)
def test_stays_quiet_when_nothing_is_disclosed(detector: SafeguardingClassifier, text: str) -> None:
    assert detector.classify(text) == []


def test_spans_point_at_the_disclosure_when_found(detector: SafeguardingClassifier) -> None:
    text = "Lovely day. But there's no food at home for them."
    (finding,) = detector.classify(text)
    assert text[finding.start : finding.end] == "no food at home"
