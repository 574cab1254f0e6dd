"""The demo school, Brookfield Vale Primary School (made up), seeded into the sandbox's Facebook Page.

The comments exercise every category the classifiers know: praise, questions, complaints, abuse, threats without
swear words, pupils named from ``config/demo/roster.csv``, staff from ``config/demo/staff.csv``, personal details,
an allegation, a safeguarding disclosure, spam, and traps (violent idiom, names that are also words, the school's
own phone number and email). Every person here is invented; the phone numbers and addresses are reserved for
fiction or documentation (Ofcom's 01632 960xxx drama range, ``example`` domains).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.sandbox import Sandbox

SCHOOL_NAME = "Brookfield Vale Primary School"
SCHOOL_ALIASES = ("Brookfield Vale", "BVPS")
TOWN = "Millbridge"
OFFICIAL_PHONE = "01632 960123"
OFFICIAL_EMAIL = "office@brookfieldvale.example.sch.uk"

PAGE_ID = "104800000000001"
PAGE_TOKEN = "sandbox-page-token-brookfield-vale"
PAGE_NAME = SCHOOL_NAME
#: A user (not Page) token: reads with it come back silently empty, as on the real Graph API.
USER_TOKEN = "sandbox-user-token-brookfield-vale"


@dataclass(frozen=True, slots=True)
class DemoSeed:
    """What :func:`seed_demo` created. ``comment_ids`` maps a stable key (e.g. ``"threat_burn"``) to the
    sandbox's comment id, so the demo and tests can point at a particular comment."""

    page_id: str
    page_token: str
    page_name: str
    posts: int
    comments: int
    replies: int
    post_ids: tuple[str, ...] = ()
    comment_ids: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def total(self) -> int:
        return self.comments + self.replies


@dataclass(frozen=True, slots=True)
class _Comment:
    key: str
    minutes: int
    author: str | None
    message: str
    reply_to: str | None = None
    by_page: bool = False


@dataclass(frozen=True, slots=True)
class _Post:
    hours_ago: int
    message: str
    comments: tuple[_Comment, ...]


_PAGE = "__page__"

# Made-up parents; ids look like Facebook's page-scoped ids.
_PEOPLE = (
    "Sarah Bancroft",
    "Jo Thornton",
    "Kerry Wainwright",
    "Ahmed Rashid",
    "Lauren Pennington",
    "Mark Ellison",
    "Gemma Sharpe",
    "Chantelle Riley",
    "Rachel Ogden",
    "Steve Mercer",
    "Tracey Holroyd",
    "Lee Dawson",
    "Wayne Pollard",
    "Bev Marshall",
    "Aisha Karim",
    "Paul Newbold",
    "Joanne Pearce",
    "Kelly Brannigan",
    "Jen Ackroyd",
    "Emma Lockwood",
    "Lisa Birchall",
    "Craig Fenton",
    "Rob Kitching",
    "Sian Moody",
    "Hannah Wilkes",
    "Mandy Cash Tips",
    "Danielle Hughes",
    "Michelle Carr",
    "Gary Firth",
)
_PERSON_IDS = {name: f"260000000{i + 101:05d}" for i, name in enumerate(_PEOPLE)}

_POSTS: tuple[_Post, ...] = (
    _Post(
        146,
        "🏅 What a brilliant whole-school sports afternoon! Huge thanks to Mr Pritchard for organising it and "
        "to all the families who came along to cheer. Photos (only of children with photo consent) will be "
        "in Friday's newsletter.",
        (
            _Comment(
                "idiom_killed_it",
                35,
                "Sarah Bancroft",
                "The kids absolutely killed it at sports day today 🏃‍♀️🏆 well done everyone!",
            ),
            _Comment(
                "pupil_full_name",
                50,
                "Jo Thornton",
                "Well done to Ellie-May Thornton in 4B for winning the sprint final, so proud of her!! 🥇",
            ),
            _Comment(
                "praise_reply", 70, "Kerry Wainwright", "She was flying! 👏👏", reply_to="pupil_full_name"
            ),
            _Comment(
                "praise_staff",
                95,
                "Ahmed Rashid",
                "Great afternoon, thank you Miss Kendrick and all the staff for giving up your time ❤️",
            ),
            _Comment(
                "page_reply_thanks",
                120,
                _PAGE,
                "Thank you, it was a real team effort and the children were a credit to the school!",
                reply_to="praise_staff",
                by_page=True,
            ),
            _Comment(
                "pupil_first_name_year",
                180,
                "Lauren Pennington",
                "My son Oscar in Year 2 came home so happy even though he came last in the egg and spoon 😂 "
                "thank you for making it so inclusive",
            ),
        ),
    ),
    _Post(
        122,
        "🎄 Nativity tickets! Reception and Key Stage 1 will perform 'The Littlest Star' on Thursday 10th "
        "December at 2pm and 6pm. Tickets are £2 via ParentPay, two per family to start with. Any questions "
        "please contact the school office.",
        (
            _Comment(
                "question_tickets",
                40,
                "Mark Ellison",
                "Is it only two tickets per family? Grandparents are desperate to come 🙁",
            ),
            _Comment(
                "reply_tickets",
                65,
                "Gemma Sharpe",
                "They released extra ones last year after a week I think",
                reply_to="question_tickets",
            ),
            # A reply to a reply: Facebook attaches it to the top-level comment.
            _Comment(
                "reply_to_reply",
                80,
                "Mark Ellison",
                "Thanks Gemma, fingers crossed then",
                reply_to="reply_tickets",
            ),
            _Comment(
                "pupil_word_name_ivy",
                130,
                "Chantelle Riley",
                "Our Ivy in Reception is so excited to be the star!! ⭐ She's been practising her lines every night",
            ),
            _Comment(
                "word_names_not_pupils",
                200,
                "Rachel Ogden",
                "Hope the choir sing Amazing Grace again at the end, it was beautiful last year 😭",
            ),
            _Comment(
                "no_author", 260, None, "Is the performance being filmed? Would love a copy for family abroad"
            ),
        ),
    ),
    _Post(
        74,
        "❄️ SCHOOL CLOSED TODAY ❄️ Due to heavy snow and ice on the site and the roads around Millbridge, "
        "Brookfield Vale Primary School is closed to all pupils today. Home learning is on Google Classroom. "
        "We will update by 6pm about tomorrow.",
        (
            _Comment(
                "abuse_shambles",
                15,
                "Steve Mercer",
                "Absolute shambles run by idiots. Every other school in Millbridge is open. Some of us have jobs "
                "to go to!!",
            ),
            _Comment(
                "abuse_swearing",
                22,
                "Lee Dawson",
                "This is a fucking joke. Shut at the first flake of snow, useless the lot of you",
            ),
            _Comment(
                "reply_defends",
                28,
                "Tracey Holroyd",
                "Steady on, the hill up Station Road was lethal at 7am. Safety first.",
                reply_to="abuse_shambles",
            ),
            _Comment(
                "threat_burn",
                40,
                "Wayne Pollard",
                "Someone should burn that place down with the lot of them inside",
            ),
            _Comment(
                "page_reply_official_contact",
                55,
                _PAGE,
                "We understand this is difficult for working families. The site team could not make the paths "
                "safe in time. If you need to talk to us please call the office on 01632 960123 or email "
                "office@brookfieldvale.example.sch.uk.",
                reply_to="abuse_shambles",
                by_page=True,
            ),
            _Comment(
                "threat_staff",
                75,
                "Bev Marshall",
                "Mrs Ashworth I know where you live and I'll be coming round to have words about this",
            ),
            _Comment(
                "praise_early_notice",
                90,
                "Aisha Karim",
                "Thanks for letting us know so early, much appreciated ❄️☃️",
            ),
            _Comment(
                "question_deadline",
                150,
                "Paul Newbold",
                "Will the Year 6 residential deposit deadline be moved because of today?",
            ),
        ),
    ),
    _Post(
        50,
        "🥾 Year 6 residential to Hawkshead Outdoor Centre, 15th–17th March. The balance of £185 is due by "
        "Friday 4th December via ParentPay. Payment plans are available, please speak to Mrs Doyle in the "
        "office. Kit list to follow.",
        (
            _Comment(
                "safeguarding_disclosure",
                30,
                "Joanne Pearce",
                "My daughter says a man has been messaging her on Instagram asking for photos of herself. She's "
                "in Year 6 and I don't know who to tell. Can someone from school ring me please?",
            ),
            _Comment(
                "personal_phone",
                45,
                "Kelly Brannigan",
                "Can someone from the office call me about the payment plan please, my number is 07911 123456",
            ),
            _Comment(
                "personal_email",
                60,
                "Jen Ackroyd",
                "Happy to help with lifts to the coach if anyone needs, email me at jen.ackroyd82@example.com",
            ),
            _Comment(
                "pupil_word_name_max",
                100,
                "Emma Lockwood",
                "Max has been talking about nothing else since the letter came home!! Is there a kit list yet?",
            ),
            _Comment(
                "reply_kit_list",
                130,
                "Lisa Birchall",
                "Kit list was in the letter that came home Monday x",
                reply_to="pupil_word_name_max",
            ),
            _Comment(
                "reply_thanks",
                150,
                "Emma Lockwood",
                "Thanks hun, must've been eaten by the book bag monster 😂",
                reply_to="reply_kit_list",
            ),
            _Comment(
                "complaint_cost",
                200,
                "Craig Fenton",
                "£185 is daylight robbery for 2 nights. Not all of us are made of money.",
            ),
        ),
    ),
    _Post(
        26,
        "📢 We're hiring! Brookfield Vale Primary School is looking for a Teaching Assistant (Level 3) to join "
        "our Year 2 team, 30 hours per week, term time only. Closing date 4th December. Apply via the "
        "Millbridge Schools jobs portal.",
        (
            _Comment(
                "allegation_staff",
                60,
                "Rob Kitching",
                "Mr Hargreaves has been stealing from the PTA funds for years and everyone knows it. Maybe hire "
                "someone honest this time.",
            ),
            _Comment("praise_applied", 90, "Sian Moody", "Applied! Fingers crossed 🤞"),
            _Comment(
                "question_job",
                150,
                "Hannah Wilkes",
                "Is this role suitable for someone with a level 3 TA qualification but no SEN experience?",
            ),
            _Comment(
                "spam",
                300,
                "Mandy Cash Tips",
                "🔥 Mums!! Make £500 a day from home with just your phone 📱 DM me or visit quick-cash-mums.example 🔥",
            ),
        ),
    ),
    _Post(
        9,
        "🎅 Reminder: Christmas Fair this Friday! School finishes at 1:30pm and the fair opens at 2pm in the hall. "
        "Non-uniform day, please bring a bottle or a chocolate donation for the tombola.",
        (
            _Comment(
                "question_pickup",
                45,
                "Danielle Hughes",
                "What time does pick-up finish on Friday? I can't get there till 2.15",
            ),
            _Comment(
                "long_unicode",
                120,
                "Michelle Carr",
                "Just wanted to say a MASSIVE thank you to everyone at Brookfield Vale 💐💐 — since Rose moved up "
                "to Year 1 she's come on leaps & bounds… her reading is “off the charts” 📚✨ and she actually "
                "WANTS to go in every morning (which after last year, believe me, is a miracle 🙏🏽). The new café "
                "role-play corner is genius ☕️🥐, she’s been serving us “cre\u0300me bru\u0302le\u0301e” all "
                "weekend 😂 and her friend Zoe\u0308 from next door is jealous. Ｔｈａｎｋ ｙｏｕ Mr\u00a0Booth & "
                "team! 👩‍👧 #ProudMum #BVPS 🇬🇧",
            ),
            _Comment(
                "pupil_first_name_class",
                240,
                "Gary Firth",
                "Holly in 3P left her reading folder in my car after tea 🙈 can someone let her mum know please",
            ),
        ),
    ),
)


def seed_demo(sb: Sandbox, *, now: datetime) -> DemoSeed:
    """Create the Brookfield Vale Page, its posts and comments in ``sb``, all timed in the days before ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    fb = sb.facebook
    fb.add_page(PAGE_ID, PAGE_NAME, PAGE_TOKEN)
    fb.add_user_token(USER_TOKEN)
    latest = now - timedelta(minutes=1)
    post_ids: list[str] = []
    comment_ids: dict[str, str] = {}
    comments = replies = 0
    for post in _POSTS:
        posted_at = now - timedelta(hours=post.hours_ago)
        post_id = fb.add_post(PAGE_ID, post.message, created_time=posted_at)
        post_ids.append(post_id)
        for spec in post.comments:
            is_page = spec.author == _PAGE
            comment_ids[spec.key] = fb.add_comment(
                comment_ids[spec.reply_to] if spec.reply_to else post_id,
                spec.message,
                author_id=None if is_page or spec.author is None else _PERSON_IDS[spec.author],
                author_name=None if is_page else spec.author,
                created_time=min(latest, posted_at + timedelta(minutes=spec.minutes)),
                by_page=spec.by_page,
            )
            if spec.reply_to:
                replies += 1
            else:
                comments += 1
    return DemoSeed(
        page_id=PAGE_ID,
        page_token=PAGE_TOKEN,
        page_name=PAGE_NAME,
        posts=len(post_ids),
        comments=comments,
        replies=replies,
        post_ids=tuple(post_ids),
        comment_ids=MappingProxyType(comment_ids),
    )
