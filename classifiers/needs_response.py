"""Detects comments the school must answer: questions, requests, complaints and press enquiries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from classifiers.base import Classifier, Finding, Label
from classifiers.safeguarding import SafeguardingClassifier
from classifiers.text import normalise, sentences

_QUESTION_START = re.compile(
    r"^(?:what\s+time|what\s+(?:is|are|does|do|will|should|can|happens|about)|when\s+(?:is|are|does|do|will|can|should|"
    r"was|were)|where\s+(?:is|are|do|can|should|does)|how\s+(?:do|does|can|much|many|long|will|should|are|is)|"
    r"who\s+(?:do|should|can|is|are|will|would)|why\s+(?:is|are|was|were|has|hasn'?t|have|haven'?t|did|didn'?t|does|"
    r"doesn'?t|do|don'?t|can'?t|won'?t|isn'?t|aren'?t)|which\s+\w+|can\s+(?:someone|somebody|anyone|you|i|we|my|the|"
    r"parents)|could\s+(?:someone|somebody|anyone|you|i|we)|would\s+(?:someone|anyone|you|it)|does\s+anyone|"
    r"is\s+(?:there|it|the|t'[a-z]+|school|this)|are\s+(?:there|we|the|you|parents|they)|will\s+(?:there|the|we|you|school|they|"
    r"parents)|do\s+(?:you|we|they|i|parents)|did\s+(?:you|anyone|the)|has\s+(?:anyone|the|school)|have\s+(?:you|the)|"
    r"should\s+(?:we|i|parents)|may\s+i|any\s+(?:news|update|ideas|idea|info|word))(?![a-z])"
)
# A greeting before the question: "eh up, is t'school shut monday", "hi, when is the disco".
_GREETING = re.compile(
    r"^(?:(?:eh\s+up|ey\s+up|hiya|hi|hello|hey|morning|afternoon|evening|right|ok|okay|so|um|erm|sorry|quick\s+question|"
    r"hi\s+all|hi\s+everyone|hello\s+all)[\s,!.:-]+)+"
)
# Questions that want no answer: insults, sarcasm, rhetorical outrage and praise.
_RHETORICAL = re.compile(
    r"(?<![a-z])(?:idiots?|stupid|useless|incompetent|pathetic|joke|clowns?|morons?|f\*+|fuck\w*|shit\w*|kidding|"
    r"seriously|how\s+dare|wrong\s+with\s+(?:you|this|these|them|people)|who\s+(?:the\s+hell|on\s+earth)|"
    r"what\s+(?:the\s+hell|on\s+earth)|why\s+(?:would|does|do)\s+anyone|what'?s\s+the\s+point|how\s+hard\s+can|"
    r"who\s+cares|what\s+did\s+(?:you|they|we)\s+expect|can\s+you\s+believe|who\s+knew|who\s+else|"
    r"is\s+anyone\s+surprised|is\s+it\s+(?:just\s+)?me\s+or|are\s+you\s+(?:serious|kidding|joking|mad|insane|for\s+real)|"
    r"how\s+(?:cute|lovely|amazing|sweet|adorable|fab|brilliant|great|gorgeous|beautiful|proud)|"
    r"(?:isn'?t|aren'?t|wasn'?t|weren'?t|didn'?t|don'?t)\s+(?:it|they|he|she|you|we|this|that|these|those)\s+(?:\w+\s+)?"
    r"(?:lovely|great|amazing|gorgeous|fab|fabulous|brilliant|beautiful|wonderful|cute|adorable|sweet|grown|look|"
    r"do\s+well|do\s+brilliantly)|what\s+(?:a|an)\s)"
)
_REQUEST = re.compile(
    r"(?<![a-z])(?:(?:please|pls|plz)\s+(?:can|could|would|call|ring|phone|email|e-mail|contact|reply|respond|advise|confirm|"
    r"send|tell|let|get\s+back|dm|message|help|explain|look\s+into|sort|update|check|remove|take\s+down|delete|post|share)|"
    r"(?:can|could|would)\s+(?:someone|somebody|anyone|you|the\s+school|the\s+office)\s+(?:please\s+)?\w+|"
    r"i(?:'d|\s+would)\s+(?:like|appreciate|love)\s+(?:to\s+(?:know|speak|talk|arrange|book|request|discuss)|"
    r"an?\s+(?:reply|response|call|callback|meeting|word|copy|refund|update)|some\s+(?:information|help|advice))|"
    r"(?:i|we)\s+(?:need|want)\s+to\s+(?:speak|talk|know|complain|report|arrange|discuss)|let\s+(?:me|us)\s+know|"
    r"get\s+back\s+to\s+(?:me|us)|(?:call|ring|phone|email|message|dm|contact)\s+me|looking\s+for\s+(?:information|"
    r"advice|help)|who\s+(?:do|should|can)\s+i\s+(?:speak|talk|contact|ask|email)|wonder(?:ing|ed)\s+(?:if|whether)|"
    r"(?:photos?|pictures?|pics|videos?|info|information|details|link|update|dates?|times?|list|form|copy|letter|menu|"
    r"reply|response|help|advice)\s+(?:please|pls|plz)(?![a-z]))"
)
_COMPLAINT = re.compile(
    r"(?<![a-z])(?:(?:no|not\s+(?:had|received|got|getting)\s+(?:a|any))\s+(?:reply|response|answer|callback|call\s+back|"
    r"acknowledg\w*)|(?:heard|had)\s+nothing(?:\s+back)?|(?:still|been)\s+waiting\s+(?:for|on)|"
    r"(?:emailed|e-mailed|called|rang|rung|phoned|messaged|written|wrote|contacted|chased|sent|asked)\s+(?:\w+\s+){0,3}?"
    r"(?:twice|three\s+times|several\s+times|\w+\s+times|multiple\s+times|again|weeks?\s+ago|days?\s+ago)|"
    r"(?:sent|written|made)\s+(?:two|three|four|several|multiple|\d+)\s+(?:emails|messages|calls|complaints|letters)|"
    r"(?:nobody|no\s+one|no-one)\s+(?:has\s+)?(?:even\s+)?(?:acknowledged|(?:told|informed|contacted|rang|called|warned)\s+(?:me|us)|picks?\s+up|answers|got\s+back|replied|responded|called|rang|answered|bothered|listens|"
    r"does\s+anything|did\s+anything|cares)|(?:make|making|made|raise|raising|raised|file|lodge|lodged|put\s+in|sent\s+in|submitted)\s+(?:a\s+)?"
    r"(?:formal\s+)?complaint|(?:want\s+to|'d\s+like\s+to|wish\s+to)\s+complain|complain(?:ed|ing)?\s+(?:about|to)|"
    r"unacceptable|(?:demand|expect)\s+(?:an?\s+)?(?:answer|explanation|apology|response|reply)|"
    r"(?:want|need|deserve)\s+(?:an?\s+)?(?:answer|explanation|apology)|(?:does|did)\s+nothing|"
    r"(?:hasn'?t|haven'?t|didn'?t|has\s+not|have\s+not)\s+(?:been\s+)?(?:done|sorted|resolved|dealt\s+with|fixed|"
    r"addressed|replied|responded)|(?:ignored|ignoring)\s+(?:my|our|me|us)|not\s+good\s+enough|"
    r"not\s+(?:at\s+all\s+|very\s+|too\s+)?(?:happy|impressed|pleased|satisfied)|(?:my|our)\s+complaint|"
    r"(?:really\s+|very\s+|extremely\s+)?(?:disappointed|unhappy|angry|furious|disgusted|appalled|fuming)\s+"
    r"(?:with|about|that|at|by))"
)
_PRESS = re.compile(
    r"(?<![a-z])(?:journalist|reporter|press\s+(?:enquiry|inquiry|office)|media\s+(?:enquiry|inquiry)|for\s+(?:a\s+)?comment|"
    r"(?:school|head|you)\s+comment\s+on|(?:from|at|with|for|writing\s+for)\s+"
    # A paper is "the Echo", "the Northern Echo": "at dinner times" and "the times tables" are not papers.
    r"(?:the\s+(?:\w+\s+){0,2}?(?:gazette|echo|post|news|times|herald|chronicle|mail|telegraph|standard|argus|mirror|"
    r"guardian|advertiser|observer|express|radio|newspaper|paper)(?!\s+(?:tables?|office|room|box|van|lady|man))|"
    r"(?:the\s+)?(?:bbc|itv|sky\s+news)|(?:\w+\s+)?(?:radio|newspaper))|"
    r"(?:writing|doing|working\s+on)\s+(?:a|an)\s+(?:story|article|piece|feature|report))"
)
# Demands that the school act, phrased as orders or warnings rather than questions: "Sort it out",
# "Do something about the car park before a kid gets run over", "Answer the question I asked on Monday".
_DEMAND = re.compile(
    r"(?<![a-z])(?:sort\s+(?:it|this|that|them|yourselves)\s+out|(?:do|does|doing)\s+something\s+about|"
    r"(?:someone|somebody|you|the\s+school)\s+(?:needs?|has|have)\s+to\s+(?:\w+\s+)?(?:sort|clear|fix|deal|look|do|"
    r"stop|sort|grit|repair|remove|speak|talk|check|move|cut|mend|address|tell|answer|ring|call|get)|"
    r"needs?\s+(?:sorting|fixing|gritting|clearing|looking\s+at|dealing\s+with)|"
    r"needs?\s+to\s+be\s+(?:sorted|addressed|fixed|looked\s+at|dealt\s+with|removed|taken\s+down|stopped|cleared|gritted)|"
    r"answer\s+(?:the|my|our)\s+(?:\w+\s+)?(?:question|email|message|calls?)|(?:take|get)\s+(?:it|this|that|the\s+"
    r"(?:post|photo|picture|video))\s+(?:down|removed|off)|i\s+(?:expect|want|demand)\s+(?:a|an|some)\s+(?:\w+\s+)?"
    r"(?:call|meeting|answer|explanation|apology|reply|response|word)|before\s+(?:someone|somebody|a\s+(?:kid|child|"
    r"pupil)|one\s+of\s+the\s+(?:kids|children))\s+(?:gets?|is)\s+(?:\w+\s+)?(?:hurt|killed|injured|run\s+over|"
    r"knocked\s+(?:over|down))|accident\s+waiting\s+to\s+happen)"
)
_PLEASE = re.compile(r"(?<![a-z])(?:please|pls|plz)(?![a-z])")
# Questions that say outright that they want the school's word on something.
_CONFIRM = re.compile(
    r"(?<![a-z])(?:is\s+it\s+true|can\s+(?:you|the\s+school|someone)\s+confirm|is\s+there\s+any\s+truth)(?![a-z])"
)
# Offers and asks aimed at other parents, not the school: lost property, things for sale, lifts, meet-ups.
# "Email me at ..." or "anyone want ...?" there is answered by whoever found the bottle or wants the coat.
_TO_OTHER_PARENTS = re.compile(
    r"(?<![a-z])(?:(?:i'?m|we'?re|am|are)\s+selling|for\s+sale|(?:free|going)\s+to\s+a\s+good\s+home|giving\s+away|"
    r"if\s+(?:anyone|anybody|someone)\s+(?:finds?|found|has|sees?|spots?|wants?|needs?|is\s+interested)|"
    r"(?:does\s+)?(?:anyone|anybody|any\s+(?:other\s+)?(?:mums?|dads?|parents|grandparents))\s+(?:\w+\s+)?(?:want|wants|fancy|fancies|"
    r"wanna|interested|up\s+for|free\s+for|need\s+a\s+lift|going\s+to\s+the|around\s+for)|(?:car|lift)\s*-?\s*shar(?:e|ing)|"
    # A notice passed round, a parent's own number for a lift or a group: "PLEASE SHARE", "text me on 07…".
    r"(?:please|pls|plz)\s+share|for\s+(?:anyone|those|everyone)\s+(?:asking|wondering|interested)|"
    r"(?:got|have)\s+(?:\d|one|two|three|four)\s+(?:spare\s+)?seats|text\s+me\s+(?:on|at)|"
    r"(?:babysitter|childminder|tutor)\s+(?:available|wanted)|(?:anyone|anybody)\s+else(?:'s)?\s+(?:kids?|child|"
    r"children|sons?|daughters?|little\s+ones?)|^@?[a-z]+\s+(?:hun|hunny|hunni|babe|hon|chick|lovely|pet|mate)(?![a-z])|"
    r"lost\s+(?:a|our|my|the)\s+(?:\w+\s+)?(?:dog|cat|lab|labrador|spaniel|puppy|pup|kitten|tortoise|parrot)|"
    r"answers\s+to\s+(?:the\s+name\s+)?[a-z]+|"
    # Replies and asks among commenters: "did anyone see…", "anyone doing lifts", "email me at…", a forum
    # post asking other parents for opinions, "selling a blazer, message me".
    r"did\s+(?:anyone|anybody)\s+(?:else\s+)?(?:see|watch|read|hear|catch)\s+(?:that|this|the\s+(?:news|article|"
    r"story|piece|programme|thing|match|game))|"
    r"(?:anyone|anybody)\s+(?:doing|offering|giving|sharing|running)\s+(?:a\s+)?lifts?|"
    r"(?:tickets?|selling|for\s+sale|spare|£\d+)[^.!?\n]{0,60}(?:email|e-mail|message|dm|pm|inbox|ring|call|text|"
    r"whatsapp)\s+me|"
    r"(?:anyone|anybody)\s+(?:got|have|with)\s+(?:kids|children|a\s+child|a\s+son|a\s+daughter)\s+(?:at|in)|"
    r"(?:honest\s+)?opinions\s+(?:from\s+(?:parents|anyone)\s+)?welcome|(?:^|[.!?]\s*)selling\s+(?:a|an|my|our|\w+)\s)"
)
# "@Leanne Tully which shop…": a reply to another commenter, named at the start.
_REPLY_TO_COMMENTER = re.compile(r"^\s*@([A-Z][a-z'-]+)\s+[A-Z][a-z'-]+[\s,]+[a-z]")
_WORD = re.compile(r"[a-z]+")
# A parent describing something that happened to their own child expects the school to act on it.
_CHILD_PROBLEM = re.compile(
    r"(?<![a-z])(?:(?:my|our)\s+(?:son|daughter|child|kid|boy|girl|little\s+one|grandson|granddaughter)(?:'s)?\s+"
    r"(?:\w+\s+){0,6}?(?:upset|hurt|injured|broken|crying|in\s+tears|bullied|lost|missing|stolen|excluded|left\s+out|ignored|"
    r"forgotten|struggling|scared|unhappy|isn'?t\s+(?:getting|being)|not\s+(?:getting|receiving|been\s+given|being))|"
    r"(?:stole|stolen|took|hit|hits|kicked|kicking|kicks|pushed|pushing|punched|bit|lost|left|hurt|hurting|bullying|"
    r"bullied|excluded|ignored|ignoring|smacked|grabbed|threatened)\s+(?:\w+\s+)?(?:my|our)\s+(?:son|daughter|child|"
    r"kid|boy|girl|little\s+one)s?)"
)
_KINDS = (
    (_PRESS, "press", 0.9),
    (_COMPLAINT, "complaint", 0.8),
    (_DEMAND, "complaint", 0.8),
    (_REQUEST, "request", 0.8),
    (_CHILD_PROBLEM, "report", 0.7),
)
_EXPLANATIONS = {
    "question": "question to the school",
    "press": "press enquiry",
    "complaint": "complaint to the school",
    "request": "request to the school",
    "report": "parent reporting a problem with their child",
    "concern": "disclosure or concern that needs a reply",
}


class NeedsResponseClassifier:
    """NEEDS_RESPONSE: questions, requests, complaints and press enquiries addressed to the school, and
    disclosures of concern (a parent who reports harm is owed a reply, whoever else is alerted).

    Rhetorical, abusive or admiring questions ("how hard can it be?", "aren't they gorgeous?") are not.
    ``concerns`` is the detector whose findings also count as needing a reply; the Analyzer passes its own
    safeguarding detector so the rules run once per comment.
    """

    name: ClassVar[str] = "needs_response_rules"
    version: ClassVar[str] = "needs_response_rules-1.0"

    def __init__(self, concerns: Classifier | None = None, school_names: Iterable[str] = ()) -> None:
        """``school_names``: "@St Bede's is the assembly on?" is asked of the school, not a commenter."""
        self._concerns = concerns if concerns is not None else SafeguardingClassifier()
        self._school_words = frozenset(w for n in school_names for w in _WORD.findall(n.lower())) | {"st"}

    def load(self) -> None:
        self._concerns.load()

    def classify(self, text: str) -> list[Finding]:
        norm = normalise(text)
        lowered = norm.text.lower()
        hits: list[tuple[int, int, str, float]] = []
        for s_start, s_end in sentences(lowered):
            sentence = lowered[s_start:s_end].strip()
            is_rhetorical = _RHETORICAL.search(sentence) is not None
            words = len(sentence.split())
            has_mark = sentence.rstrip(" !.").endswith("?")
            has_opener = _QUESTION_START.match(_GREETING.sub("", sentence)) is not None
            if not is_rhetorical and words >= 2 and (has_mark or has_opener):
                # A question mark after a question opener, or "is it true…?", is unmistakably asked.
                clear = (has_mark and has_opener) or _CONFIRM.search(sentence) is not None
                hits.append((s_start, s_end, "question", 0.9 if clear else 0.8))
                continue
            for pattern, kind, score in _KINDS:
                if pattern is _REQUEST and is_rhetorical:
                    continue
                if pattern.search(sentence):
                    if pattern is _REQUEST and _PLEASE.search(sentence):
                        score = 0.9  # "Please send…", "pics please!!": asked outright
                    hits.append((s_start, s_end, kind, score))
                    break

        if hits and (_TO_OTHER_PARENTS.search(lowered) or self._replies_to_commenter(norm.text)):
            # Questions and requests in an offer to other parents are theirs to answer; a complaint or a
            # press enquiry in the same comment is still the school's.
            hits = [h for h in hits if h[2] not in ("question", "request")]
        findings = [
            self._finding(norm.span(start, _rstrip(lowered, start, end)), kind, score)
            for start, end, kind, score in hits
        ]
        if not findings:
            concerns = [f for f in self._concerns.classify(text) if f.label is Label.SAFEGUARDING]
            if concerns:
                first = concerns[0]
                findings.append(self._finding((first.start or 0, first.end or 0), "concern", 0.7))
        return findings

    def _replies_to_commenter(self, text: str) -> bool:
        mention = _REPLY_TO_COMMENTER.match(text)
        return mention is not None and mention.group(1).lower() not in self._school_words

    def _finding(self, span: tuple[int, int], kind: str, score: float) -> Finding:
        return Finding(
            label=Label.NEEDS_RESPONSE,
            score=score,
            start=span[0],
            end=span[1],
            explanation=_EXPLANATIONS[kind],
            detector_version=self.version,
            attributes=(("kind", kind),),
        )


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
