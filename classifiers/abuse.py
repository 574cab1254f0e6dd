"""Abuse and threat detection: fast rules for UK insults, slurs and threats, and a trained MiniLM head."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from classifiers.base import Finding, Label
from classifiers.heads import Array, Head
from classifiers.text import normalise


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    label: Label
    score: float
    explanation: str
    kind: str


def _words(spec: str) -> str:
    """A whitespace-separated word list as a regex alternation (entries may themselves be regexes)."""
    return "|".join(sorted(spec.split(), key=len, reverse=True))


# Letters are matched only as whole words: (?<![a-z]) / (?![a-z]) rather than \b so that "Scunthorpe",
# "cocktail", "Dickens", "assessment" and "therapist" never match, while "twat!" and "_twat_" still do.
def _w(body: str) -> str:
    return rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])"


# Abusive in any sentence: nobody says these about the weather.
_STRONG_INSULTS = _words(
    r"""
    wank(?:er|ers|stain|stains) twats? cunts? knob-?heads? knob-?ends? bell-?ends? tossers? pillocks?
    plonkers? numpt(?:y|ies) dick-?heads? arse-?holes? ass-?holes? bastards? bitch(?:es)? dip-?shits?
    shit-?heads? shit-?bags? scum-?bags? scrubbers? slags? sluts? whores? skanks? mingers? gobshites?
    fuck-?wits? fuck-?tards? morons? imbeciles? cretins? half-?wits? dim-?wits? nit-?wits? buffoons?
    dumb-?ass(?:es)? jackass(?:es)? cock-?wombles? wazzocks? bawbags? roasters? nonces? paedos? pedos?
    muppets?(?!\s+(?:christmas|show|movie|film|treasure|most))
    wastes?\s+of\s+(?:space|oxygen|skin|air|a\s+salary) lowlifes? low-lifes? degenerates? scroungers?
    (?:an?|little|jumped[\s-]up)\s+(?:little\s+)?nobod(?:y|ies) scrotes? wastemen wasteman bell-?ends?
    toe-?rags? nob-?heads? doylems? bin-?dippers? knob-?jockeys? gormless\s+\w+
    neeks? pussy-?holes? bozos? waste-?yutes? skets? dutty\s+\w+
    thick\s+as\s+(?:mince|pig\s?shit|two\s+short\s+planks|a\s+brick|shit|a\s+plank)
    old\s+(?:bats?|trouts?|crones?|hags?) divs?(?!\s*\d)(?!\s+(?:one|two|three|four)(?![a-z]))
    (?:dozy|daft|silly|stupid|useless|lazy|nasty|bitter|ugly|fat|gobby|mardy|miserable|mouthy)\s+(?:old\s+|auld\s+)?(?:mares?|cows?|moos?|bags?|gits?)(?!\s+of\s)
    (?:lazy|useless|miserable|daft|mardy|cheeky|nasty)\s+(?:little\s+|old\s+)?gets?(?![a-z])(?!\s+(?:up|out|in|on|off|it|a|the|rid|home|away))
    smack-?heads? crack-?heads?
    (?:the\s+)?(?:absolute\s+)?state\s+of\s+(?:her|him|them|that\s+(?:woman|man|teacher|lad|girl))(?![a-z])(?=\s*(?:[.!,😂🤣]|$|lol|haha))
    """
)

# Slurs (racial, disability, homophobic, anti-Traveller). Word-bounded; kept deliberately short and literal.
_SLURS = _words(
    r"""
    n[i1]gg(?:er|a|ers|as|az) pakis? chinks? gooks? spics? kikes? wogs? coons? rag-?heads? towel-?heads?
    faggots? trann(?:y|ies) poofs? poofters? gyppos? pikeys? retards? retarded spastics? spaz(?:zy)? mongs?
    golliwogs? sambos? yids? darkies? wetbacks? beaners? gypos?
    """
)

# Words that insult only when aimed at someone ("you pig", "useless cow of a teacher") and are ordinary
# elsewhere ("the pig at the farm visit", "the clown at the party", "door knob").
_CONTEXTUAL_INSULTS = _words(
    r"""
    idiots? clowns? pigs? cows? dogs? rats? snakes? cockroaches? parasites? leeches? scum vermin animals?
    gits? prats? dicks? cocks? knobs? tarts? witch(?:es)? hags? trolls? losers? cowards? weirdos? freaks?
    psychos? thie(?:f|ves) liars? cheats? crooks? frauds? fraudsters? perverts? pervs? creeps? druggies? dossers?
    junkies? chavs? hypocrites? disgraces? snobs? jobsworths? melts? planks? wasters? dozy\s+\w+ grass(?:es)?
    feral wet\s+wipes? pricks? tramps? hoes? goblins? gremlins? mugs? weasels? dictators? nowts?
    articles? rip-?off\s+merchants?
    fags? dykes? bints? slappers? trollops? madams?
    """
)

# Adjectives that insult when predicated of a person ("you're useless", "the head is pathetic") but not
# of things ("the lazy river", "a thick coat"). "Rubbish", "a shambles" and "disappointing" are criticism.
_INSULT_ADJECTIVES = _words(
    r"""
    useless incompetent pathetic clueless spineless gutless brainless worthless vile disgusting lazy thick
    stupid dumb ugly fat evil nasty horrible arrogant two-faced smug stuck-up inbred dim dense brain-?dead
    senile hideous ignorant moronic idiotic retarded spastic gormless witless gobby mouthy moist
    """
)

_PERSON_NOUNS = _words(
    r"""
    lot bunch people person teachers? heads? head-?teachers? head-?masters? head-?mistress(?:es)? staff
    woman women man men cows? bitch(?:es)? witch(?:es)? gits? idiots? clowns? pigs? governors? mums? dads?
    parents? mothers? fathers? kids? children brats? cretins? twats? cunts? individuals? creatures? lad
    lads? girls? boys? sods? bastards? caretakers? receptionists? deputy ta tas assistants? excuse
    """
)

# Who an insult is aimed at: the reader, a person named or described, or a copula after one.
_SUBJECT = (
    r"(?:you(?:\s+(?:lot|people|guys|two|all))?|u|ya|ye|he|she|they|the\s+(?:head(?:\s?teacher)?|teachers?|staff|"
    r"deputy(?:\s+head)?|caretaker|governors?|senco|ta|office|receptionist)|(?:her|his|their|my\s+\w+'?s?)\s+"
    r"(?:class\s+)?teacher|teachers|staff|(?:mr|mrs|miss|ms|mx|dr|sir)\.?\s+[a-z][a-z'-]+|[a-z]+'s\s+(?:mum|dad|mam|mother|father))"
    r"(?:\s+(?:here|there|at\s+(?:this|that|the)\s+school|in\s+(?:this|that)\s+school))?"
)
_COPULA = r"(?:'re|'s|re|s|\s+(?:is|are|was|were|be|being|r|seems?|looks?)|\s+(?:is|are|was)\s+being)"
_INTENSIFIERS = (
    r"(?:\s+(?:such|so|a|an|the|most|really|very|absolutely|totally|completely|utterly|utter|total|complete|"
    r"proper|right|bloody|fucking|f\*+ing|frigging|just|truly|an?\s+absolute|incredibly|a\s+bunch\s+of|"
    r"a\s+load\s+of|a\s+pack\s+of|one|big|old|fat|little|lazy|useless|stupid|ignorant|spineless|nasty|"
    r"bunch\s+of|lot\s+of|pack\s+of|load\s+of|shower\s+of))*"
)

# What may stand just before a contextual insult for it to count as aimed at someone. Any of these words,
# then up to three more (adjectives: "a spineless, lying coward").
_INSULT_FRAME = re.compile(
    r"(?:(?<![a-z])(?:you(?:'re|re|\s+are)?|ur|ya|yer|(?:he|she)'s|they'?re|is|are|was|were|'s|what|such|absolute|total|complete|"
    r"utter|proper|right|bunch\s+of|pack\s+of|load\s+of|lot\s+of|shower\s+of|run\s+by|staffed\s+by|of\s+a|"
    r"like\s+an?|bloody|fucking|f\*+ing|stupid|useless|lazy|fat|ugly|thick|lying|nasty|old|dirty|filthy|"
    r"spineless|pathetic|incompetent|vile|horrible|disgusting|smug|evil|two-faced|jumped[\s-]up|stuck[\s-]up|thieving|"
    r"miserable|bent|greedy|sad|full\s+of)(?:[\s,]+[a-z'*-]+){0,4}[\s,]+)$"
)

# Reported language is a complaint about someone else's words, not abuse by the commenter:
# 'he called my son a "knobhead"', "the kids are using words like slag".
_REPORTING_FRAME = re.compile(
    r"(?:(?<![a-z])(?:call(?:ed|ing|s)?|names?)\s+(?:him|her|them|me|us|you|my\s+\w+|our\s+\w+|the\s+\w+|a\s+\w+|"
    r"[a-z]+|[a-z]+\s+[a-z]+)\s+(?:an?\s+)?(?:[a-z'*-]+\s+){0,2}"
    r"|(?<![a-z])(?:being|was|were|been|get|gets|got|getting)\s+called\s+(?:an?\s+)?(?:[a-z'*-]+\s+){0,2}"
    r"|(?<![a-z])(?:words?|language|terms?|names?|things?)\s+(?:like|such\s+as|including)\s+(?:[a-z'*-]+,?\s+){0,3}"
    r"|(?<![a-z])(?:the\s+)?(?:word|term)\s+(?:[a-z'*-]+,?\s+){0,3}"
    r"|(?<![a-z])(?:said|says|saying|shouted|yelled|wrote|screamed|texted|messaged)\s+(?:[a-z'*-]+\s+){0,3}[\"'])$"
)
# "He is not an idiot", "she isn't a liar": a denial, not an insult.
_NEGATED = re.compile(
    r"(?<![a-z])(?:not|n't|never|no\s+way)\s+(?:(?:an?|such\s+an?|the|some)\s+)?(?:[a-z]+\s+)?$"
)
_QUOTED = re.compile(r"\"[^\"\n]{1,120}\"|(?<![a-z])'[^'\n]{1,80}'(?![a-z])")

# Strong profanity. Not every use is aimed at a person, but a school page hides it either way; untargeted
# profanity scores lower than a targeted insult so a stricter threshold can let it through.
_PROFANITY = _words(
    r"""
    fuck(?:s|ed|er|ers|ing|in|ings|wit|tard)? motherfuck(?:er|ers|ing)? shit(?:s|e|ty|ter|ting|head)?
    bullshit
    """
)
_TARGETED_PROFANITY = re.compile(
    _w(
        r"(?:fuck|f[*#]+(?:c?k)?|f[*#]*ck|eff|piss|sod|bugger|jog|naff)\s+(?:off|you|u|ya|yourselves|yourself|them|him|her|"
        r"this\s+(?:school|place|lot|dump|shithole)|that\s+(?:school|place|lot|teacher|woman|man)|the\s+(?:lot\s+of\s+you|school|"
        r"head|teachers?|staff)|(?:all|every\s+(?:single\s+)?one)\s+of\s+(?:you|them))"
        r"|screw\s+(?:you|u|ya|them|the\s+lot\s+of\s+you)|up\s+yours|stfu|gtfo|get\s+(?:fucked|stuffed|lost)"
        r"|go\s+to\s+hell|kys|kill\s+yourself|kill\s+yourselves"
    )
)

# A word written with asterisks ("f***ing", "c**t"): masked letters may be anything.
_MASKED = re.compile(r"(?<![a-z0-9@.])[a-z]{1,3}[*#%]{1,5}[a-z]{0,5}(?![a-z0-9@])")
_MASK_TARGETS = (
    "fuck",
    "fucking",
    "fucked",
    "fucker",
    "fuckers",
    "fuckin",
    "shit",
    "shite",
    "cunt",
    "cunts",
    "twat",
    "twats",
    "wanker",
    "wankers",
    "bitch",
    "bastard",
    "bastards",
    "arsehole",
    "dickhead",
    "bellend",
    "tosser",
    "knobhead",
    "slag",
    "whore",
    "motherfucker",
)
# Slurs written with asterisks ("p*ki", "n*****s") are still slurs, scored as such.
_MASKED_SLURS = (
    "nigger",
    "niggers",
    "nigga",
    "niggas",
    "faggot",
    "faggots",
    "paki",
    "pakis",
    "retard",
    "retards",
    "spastic",
    "spastics",
    "coon",
    "coons",
    "wog",
    "wogs",
)

# Leetspeak in insults ("tw4t", "sh1t", "c0ck"): mapped length-for-length so spans still line up.
_LEET = str.maketrans(
    {"1": "i", "!": "i", "|": "i", "3": "e", "4": "a", "@": "a", "0": "o", "$": "s", "5": "s", "7": "t"}
)

# Death wishes: hateful but not a threat the commenter will act on, so abuse rather than a police matter.
_DEATH_WISH = re.compile(
    _w(
        r"die\s+in\s+a\s+(?:fire|hole|ditch)|(?:hope|wish)\s+(?:you|u|he|she|they|the\s+\w+|[a-z]+)\s+"
        r"(?:all\s+)?(?:dies?(?!\s+down)|rots?|gets?\s+(?:run\s+over|cancer|hit\s+by\s+a\s+\w+)|burns?|chokes?|drops?\s+dead)"
        r"|(?:should|deserves?\s+to|ought\s+to)\s+be\s+(?:shot|hanged|hung|strung\s+up|put\s+down|"
        r"lined\s+up\s+and\s+shot)|drop\s+dead(?!\s+gorgeous)|go\s+(?:and\s+)?die"
        # "Hope the fella who runs the uniform shop chokes on his jumpers": someone picked out at length.
        r"|(?:hope|wish)\s+(?:that|the)\s+(?:[\w'-]+\s+){0,3}?(?:fella|bloke|man|woman|guy|idiot|clown|head|teacher)\s+"
        r"(?:who|that)\s+(?:[\w'£-]+\s+){1,6}?(?:dies|rots|chokes|burns|drops\s+dead|gets\s+run\s+over)(?![a-z])"
        r"|(?:hope|wish)\s+the\s+(?:\w+\s+)?(?:roof|ceiling|building|place|school)\s+(?:caves?|falls?|burns?|collapses?)"
        r"(?:\s+(?:in|down))?\s+(?:on|with)\s+(?:you|u|them|him|her|the\s+lot)"
        r"|(?:wants?|needs?)\s+(?:their|his|her|your|ur)\s+heads?\s+(?:kicking|kicked|smashing|caving)\s+in"
        # "Mr X wants stringing up": the Northern and Midlands passive.
        r"|(?:wants?|needs?)\s+(?:stringing\s+up|hanging|shooting|putting\s+down)(?=\s*(?:[.!,]|$|for\s|\s(?:he|she|they)\s))"
        r"|(?:hope|wish)\s+(?:the|a)\s+(?:\w+\s+)?(?:flood|fire|storm|river|sinkhole|plague)\s+(?:takes?|gets?|swallows?|"
        r"washes?\s+away|sweeps?\s+away)\s+(?:the\s+(?:whole\s+)?lot\s+of\s+)?(?:you|u|yous|them|him|her|the\s+lot)"
    )
)

# Attacks on a group for who they are (race, religion, nationality, sexuality, Travellers).
_GROUPS = (
    r"immigrants?|migrants?|foreigners?|refugees?|asylum\s+seekers?|muslims?|jews?|blacks|gays|lesbians|"
    r"poles|polish|romanians?|gypsies|gipsies|travellers|eastern\s+europeans?|africans?|asians?|pakistanis?|"
    r"somalis?|arabs?|trans\s+people|these\s+people|their\s+lot"
)
# Countries people are told to "go back to" (the ones UK trolls name, not a gazetteer).
_HOMELANDS = (
    r"poland|romania|lithuania|latvia|bulgaria|albania|slovakia|ukraine|russia|europe|africa|nigeria|ghana|somalia|"
    r"eritrea|sudan|pakistan|india|bangladesh|afghanistan|iraq|iran|syria|turkey|jamaica|the\s+caribbean|"
    r"china|asia|the\s+middle\s+east|the\s+jungle|your\s+(?:own\s+)?(?:country|countries)"
)
_HATE = re.compile(
    _w(
        rf"(?:{_GROUPS})(?:'s?)?(?:\s+[a-z0-9']+){{0,3}}?\s+(?:ruin(?:s|ing|ed)?|destroy(?:s|ing|ed)?|"
        r"taking\s+over|(?:have|'ve|has)\s+taken\s+over(?!\s+(?:the\s+)?(?:running|organising|organisation|as|from))|"
        r"invad(?:e|ing|ers)|flood(?:ing)?|"
        r"are\s+(?:scum|vermin|animals|parasites|filth|"
        r"a\s+disease|the\s+problem)|should\s+(?:go\s+back|be\s+deported|be\s+sent\s+back|leave|not\s+be\s+allowed)"
        r"|go\s+back|not\s+welcome|don'?t\s+belong|breed(?:ing)?\s+like|stink|smell)"
        r"|go\s+back\s+to\s+(?:your|their|his|her)\s+(?:own\s+)?(?:country|countries)"
        # Told to leave: "go back to where you came from", "go back to Poland the lot of you". Only as an
        # order (start of a sentence) or at a group, so "we go back to Poland every summer" is not hostility.
        r"|(?:go|gan|get|fuck\s+off|sod\s+off|piss\s+off)\s+back\s+(?:to\s+)?where\s+(?:you|u|yous|youse|ye|they|"
        r"them|he|she)\s+(?:came|come|comes|belongs?)\s+from"
        rf"|(?:go|gan|get)\s+back\s+to\s+(?:{_HOMELANDS})(?:,)?\s+"
        r"(?:the\s+lot\s+of\s+(?:you|yous|them)|all\s+of\s+(?:you|yous|them)|yous)"
        r"|(?:^|(?<=[.!?,;:]\s)|(?<=[.!?,;:]\s\s)|(?<=[.!?,;:]))"
        rf"(?:just\s+)?(?:go|gan|get)\s+back\s+to\s+(?:{_HOMELANDS})"
        r"(?!\s+(?:for|in|at|on|next|this|every|after|before|during|to\s+(?:visit|see))(?![a-z]))"
        # "full of foreigners now", "can't see a white face at pick up".
        rf"|(?:full\s+of|overrun\s+(?:with|by)|swamped\s+(?:with|by))\s+(?:{_GROUPS})"
        r"|(?:can'?t|cannot|canny|cant|never)\s+(?:even\s+)?see\s+(?:a|one)\s+(?:single\s+)?white\s+face"
        # Mocking an accent or English: "can't even speak proper English, how's he meant to teach".
        r"|can'?t\s+even\s+speak\s+(?:proper\s+|decent\s+|the\s+)?english"
        # A stereotype by insinuation: "letting traveller families in now? Better lock up your bikes".
        rf"|(?:{_GROUPS}|(?:traveller|gypsy|gipsy|roma|immigrant|migrant|foreign|asylum)\s+(?:families|kids|children|lot|people))"
        r"[^\n]{0,80}?(?:lock\s+up|hide|watch|guard|keep\s+an\s+eye\s+on)\s+(?:your|ur)\s+(?:bikes?|valuables|cars?|"
        r"handbags?|purses?|wallets?|stuff|things|houses?|sheds?)"
    )
)

# Shaming or shunning a child by name or description: "keep your kids away from her", "she stinks".
_SHUNNING = re.compile(
    _w(
        r"keep\s+(?:your|ur)\s+(?:kids?|children|child|son|daughter|little\s+ones?)\s+away"
        # Not when reported as the reason a child is picked on: "he gets picked on for how he smells".
        r"|(?<!how\s)(?<!because\s)(?:he|she|they)\s+(?:smells?|stinks?|reeks?)(?!\s+(?:lovely|nice|good|great|amazing|of\s))"
        r"|(?<!my\s)(?<!our\s)(?:son|daughter|kid|child|boy|girl|one)?(?<![a-z])(?:has|have|'s\s+got|got)\s+"
        r"(?:nits|lice|fleas|head\s*lice)(?!\s+(?:treatment|letter|shampoo|comb|spray))"
        r"|(?:smelly|feral|scruffy|minging|skanky|manky|rough|(?:nit|flea|lice)[\s-]ridden|flea-?bitten)\s+(?:kids?|children|"
        r"family|families|brats?|little\s+\w+|lot)"
    )
)

_PERSON_OBJECT = (
    r"(?:you|u|ya|yer|him|her|them|'?em|youse|y'all|the\s+lot\s+of\s+(?:you|them)|"
    r"(?:that|the|this|your|his|her|their)\s+(?:(?:\w+\s+){0,2})?(?:head(?:\s?teacher)?|teachers?|woman|man|"
    r"cow|bitch|caretaker|deputy|kid|kids|son|daughter|child|boy|girl|husband|wife|partner|mum|dad|"
    r"family|staff|receptionist|ta|governors?|senco|one|lot)|(?:mr|mrs|miss|ms|mx|dr|sir)\.?\s+[a-z][a-z'-]+)"
)
# Who is speaking: the commenter (or someone they egg on). A reported threat ("he said he'd hurt her")
# is a safeguarding disclosure and is left to that detector.
_THREAT_SUBJECT = (
    r"(?:i'?ll|i\s+will|i'?m\s+(?:going\s+to|gonna|gunna|about\s+to)|im\s+(?:going\s+to|gonna)|i\s+am\s+going\s+to|"
    r"i'?d|i\s+would|i\s+shall|we'?ll|we\s+will|we'?re\s+(?:going\s+to|gonna)|i\s+swear\s+i'?ll|"
    r"i'?m\s+coming\s+to|(?:someone|somebody|some\s*1|one\s+of\s+us|people)\s+(?:should|needs?\s+to|ought\s+to|"
    r"will|is\s+going\s+to|is\s+gonna|'?ll|wants\s+to|has\s+to)|let'?s|i\s+could|i\s+want\s+to|i\s+wanna)"
)
_HARM_VERBS = (
    r"kill|murder|stab|shoot|strangle|knife|glass|bottle|batter|punch|smack|slap|deck|lamp|thump|hit|kick|"
    r"beat\s+up|beat\s+the\s+(?:shit|crap|hell)\s+out\s+of|kick\s+the\s+(?:shit|crap|hell)\s+out\s+of|knock|hurt|"
    r"smash|chin|nut|headbutt|throttle|slash|maim|bury|leather|twat|belt|wallop|batter|stamp\s+on|set\s+about"
)
_LIFE_VERBS = re.compile(r"^(?:kill|murder|stab|shoot|strangle|knife|slash|throttle|end|bury|run\s+over)")
# Damage to someone's property or body part, as a threat: "I'll smash your windows in".
_PROPERTY = (
    r"(?:smash|put\s+in|put\s+through|brick|key|slash|trash|wreck|kick\s+in|cave\s+in|punch)\s+(?:your|his|her|their|"
    r"the\s+head'?s|that\s+\w+'s)\s+(?:\w+\s+)?(?:windows?|car|tyres|house|door|face|head|teeth|lights)(?:\s+in)?"
)
_ARSON = (
    r"(?:burn|torch|firebomb|petrol\s*bomb|blow\s+up|set\s+fire\s+to|set\s+alight|bomb|shoot\s+up)\s+"
    r"(?:(?:that|the|this|your|their|his|her)\s+(?:\w+\s+){0,2}?(?:place|school|building|house|home|car|"
    r"classroom|hall|office|lot)|it|them|you)(?:\s+down)?"
    r"|(?:burn|torch|bomb)\s+(?:the\s+)?(?:place|school|building)\s+(?:down|to\s+the\s+ground)"
)

_STRONG_INSULT_RULE = _Rule(re.compile(_w(_STRONG_INSULTS)), Label.ABUSE, 0.9, "insult", "insult")
# Just before a strong insult: someone it is said of ("the senco is a", "you're such a", "Mr X is an utter").
_SAID_OF_SOMEONE = re.compile(rf"(?<![a-z]){_SUBJECT}{_COPULA}{_INTENSIFIERS}\s+$")

_RULES: tuple[_Rule, ...] = (
    _Rule(re.compile(_w(_SLURS)), Label.ABUSE, 0.95, "slur", "slur"),
    _Rule(_HATE, Label.ABUSE, 0.85, "hostility towards a group", "hate"),
    _STRONG_INSULT_RULE,
    _Rule(_TARGETED_PROFANITY, Label.ABUSE, 0.9, "profanity aimed at someone", "aimed_profanity"),
    _Rule(re.compile(_w(_PROFANITY)), Label.ABUSE, 0.6, "strong profanity", "profanity"),
    _Rule(_DEATH_WISH, Label.ABUSE, 0.85, "wishes harm on someone", "death_wish"),
    # Street slang for stabbing or a beating: "they're getting merked after school".
    _Rule(
        re.compile(
            _w(
                r"(?:getting|get|gonna\s+get|going\s+to\s+get)\s+(?:merked|shanked|stabbed|bodied|jumped)"
                r"|(?:gonna|going\s+to|will|'ll)\s+(?:merk|shank)\s+(?:him|her|them|you|that|the|every)"
            )
        ),
        Label.THREAT,
        0.85,
        "threat of violence",
        "violence",
    ),
    _Rule(_SHUNNING, Label.ABUSE, 0.7, "shaming or shunning a child or family", "shaming"),
    # A one-word verdict on the people just named: "The teachers clearly couldn't be bothered. Pathetic."
    _Rule(
        re.compile(
            _w(
                r"(?:teachers?|staff|head(?:\s?teacher)?|governors|they|he|she)(?![a-z])[^.!?\n]{0,100}[.!?]+\s+"
                r"(?:absolutely\s+|utterly\s+|just\s+|so\s+|bloody\s+|frankly\s+)?(?:pathetic|useless|spineless|"
                r"clueless|incompetent|shameful|disgraceful)(?=\s*[.!]*\s*$)"
            )
        ),
        Label.ABUSE,
        0.75,
        "insult aimed at a person",
        "insult",
    ),
    _Rule(
        re.compile(
            _w(
                r"(?:joke|excuse|disgrace|embarrassment|waste|apology|parody)\s+(?:for|of)\s+an?\s+"
                r"(?:head\s?teacher|head|teacher|school|human(?:\s+being)?|person|man|woman|parent|mother|father)"
            )
        ),
        Label.ABUSE,
        0.75,
        "insult aimed at a person",
        "insult",
    ),
    _Rule(
        re.compile(
            _w(
                rf"(?:{_INSULT_ADJECTIVES})(?:[\s,]+(?:and\s+)?[a-z-]+)?\s+(?:{_PERSON_NOUNS})(?!\s+of\s+(?:good|use|help))"
            )
        ),
        Label.ABUSE,
        0.7,
        "insult aimed at a person",
        "insult",
    ),
    _Rule(
        # Not what a child says of herself: "she keeps saying she's fat".
        re.compile(_w(rf"(?<!saying\s)(?<!says\s)(?<!thinks\s)(?<!feels\s){_SUBJECT}{_COPULA}{_INTENSIFIERS}\s+(?:{_INSULT_ADJECTIVES})")),
        Label.ABUSE,
        0.7,
        "insult aimed at a person",
        "insult",
    ),
    _Rule(
        re.compile(
            _w(
                r"(?:should|needs\s+to|ought\s+to)\s+be\s+(?:sacked|fired|struck\s+off|locked\s+up|"
                r"ashamed\s+of\s+(?:themselves|yourselves|himself|herself))|get\s+(?:rid\s+of|shot\s+of)\s+"
                r"(?:the\s+)?(?:head|her|him|them|the\s+lot)|get\s+a\s+life[,!.]*\s+(?:woman|man|mate|love|hun|pal)|"
                r"(?:you|u)\s+(?:need\s+to|should|want\s+to|wanna)\s+get\s+a\s+life|"
                # "gan back to Manchester the lot of yer": told to leave, all of them.
                r"(?:go|gan|piss\s+off|bugger\s+off|clear\s+off|sod\s+off|jog\s+on)\s+back\s+(?:to|down|up)\s+"
                r"(?:[a-z]+\s+){0,2}?(?:to\s+)?[a-z]+[,!.]*\s+(?:the\s+lot\s+of\s+(?:you|yer|yous|ye|ya|them|'em)|"
                r"all\s+of\s+(?:you|yous|ye|yer)|(?:you|yous)\s+lot)"
            )
        ),
        Label.ABUSE,
        0.6,
        "hostile call against a person",
        "hostile",
    ),
    # Sending others round: "someone go round and teach her a lesson", "anyone fancies going round".
    _Rule(
        re.compile(
            _w(
                r"(?:someone|somebody|anyone|anybody|any\s+one|some\s+of\s+you|one\s+of\s+you)\s+(?:(?:\w+\s+){0,2}?"
                r"(?:go(?:es|ing)?|gan|pop(?:s|ping)?|call(?:s|ing)?|head(?:s|ing)?)\s+(?:round|over)\s+(?:there\s+)?"
                r"(?:and|to|n)\s+|(?:\w+\s+){0,2}?(?:go|gan)\s+(?:and\s+)?)"
                # ...to do what: a lesson, a sorting out, a piece of their mind, a visit.
                r"(?:teach\s+(?:him|her|them)\s+a\s+lesson|sort\s+(?:him|her|them)\s+out|tell\s+(?:him|her|them)\s+what\s+"
                r"(?:they|you|we|i)|give\s+(?:him|her|them)\s+(?:a\s+piece|what\s+for|a\s+slap|a\s+kicking|a\s+hiding)|"
                r"pay\s+(?:him|her|them)\s+a\s+visit|deal\s+with\s+(?:him|her|them))"
                # An address, then an invitation: "lives at 58 Dunton Close if anyone fancies a word".
                r"|lives?\s+(?:at|on|in|up|down|round)\s+[^.!?\n]{1,80}?(?:anyone|anybody|someone|somebody|any\s+of\s+you)\s+"
                r"(?:fancies|fancy|wants?|feels?\s+like)\s+(?:having|paying|popping\s+round\s+for|going\s+round\s+for|"
                r"giving\s+(?:him|her|them))\s+(?:a\s+(?:word|visit)|(?:him|her|them)\s+a\s+visit)"
            )
        ),
        Label.THREAT,
        0.8,
        "urges others to confront someone",
        "incitement",
    ),
    # An imperative opening a sentence: "Burn it down and start again".
    _Rule(
        re.compile(
            r"(?:(?<![^.!?\n])|(?<=[.!?\n]\s))(?:just\s+)?(?:burn|torch)\s+(?:it|the\s+(?:place|school|lot|building))\s+down"
        ),
        Label.THREAT,
        0.9,
        "threat of arson or attack on a building",
        "arson",
    ),
    _Rule(
        re.compile(_w(rf"{_THREAT_SUBJECT}\s+(?:\w+\s+){{0,2}}?(?:{_ARSON})")),
        Label.THREAT,
        0.95,
        "threat of arson or attack on a building",
        "arson",
    ),
    _Rule(
        re.compile(
            _w(rf"{_THREAT_SUBJECT}\s+(?:\w+\s+){{0,2}}?(?:{_PROPERTY}|sort\s+{_PERSON_OBJECT}\s+out)")
        ),
        Label.THREAT,
        0.85,
        "threat of violence",
        "violence",
    ),
    _Rule(
        re.compile(
            _w(
                rf"{_THREAT_SUBJECT}\s+(?:(?:\w+\s+){{0,2}}?)(?P<verb>{_HARM_VERBS})(?:s|ed|ing)?\s+"
                rf"{_PERSON_OBJECT}(?:\s+(?:out|in|up|over|down))?"
            )
        ),
        Label.THREAT,
        0.9,
        "threat of violence",
        "violence",
    ),
    _Rule(
        re.compile(
            _w(
                r"i\s+know\s+where\s+(?:you|u|he|she|they|the\s+\w+|your\s+\w+|(?:mr|mrs|miss|ms|dr|sir)\.?\s+[a-z'-]+)\s+lives?|watch\s+(?:your|ur|yer)\s+back"
                r"|(?:i|we)\s+(?:all\s+)?know\s+(?:which|what)\s+car\s+is\s+(?:yours|his|hers)|know\s+where\s+(?:you|he|she)\s+parks?"
                r"|(?:i|we)\s+(?:all\s+)?know\s+(?:what\s+car|which\s+car|which\s+house|where|what\s+time|what\s+route)\s+(?:you|u|he|she|"
                r"they|the\s+(?:head|headteacher|deputy|teacher|caretaker|senco|receptionist)|your\s+\w+)\s+(?:drives?|parks?|"
                r"walks?\s+home|goes\s+(?:home|after)|leaves?|gets\s+home|waits\s+for\s+(?:his|her|their|the)\s+bus)"
                r"|(?:you|u|ya)(?:'ll|ll|\s+will|'re\s+going\s+to|\s+are\s+going\s+to|'re\s+gonna|\s+gonna)\s+"
                r"(?:(?:all\s+)?(?:regret|pay\s+for)\s+(?:it|this|that|what)|pay(?=\s*(?:[.!,]|$)))"
                r"|wait\s+(?:till|until|til|'til|'till)\s+i\s+(?:see|get\s+hold\s+of|catch|find|get)\s+"
                r"(?:you|u|ya|him|her|them|that\s+\w+|the\s+\w+)"
                r"|i'?(?:ll|m)\s+(?:be\s+)?(?:waiting|coming)\s+for\s+(?:you|him|her|them)\s+(?:at|outside|by)\s+"
                r"(?:the\s+|your\s+)?(?:gates?|school|playground|house|home|door|car\s*park)(?!\s+with\s)"
                r"|i'?ll\s+see\s+(?:you|u|him|her|them)\s+outside"
                rf"|(?:{_THREAT_SUBJECT}|(?:a\s+few|some|a\s+couple|a\s+load)\s+of\s+us\s+(?:should|need\s+to|ought\s+to|will|"
                r"'ll))\s+(?:\w+\s+){0,2}?(?:be\s+waiting\s+for\s+(?:you|him|her|them)(?!\s+to\s)(?![^.!?\n]{0,40}\swith\s+(?:your|his|her|their|the|a)\s)|pay\s+(?:you|him|her|them)\s+a\s+"
                r"(?:little\s+)?visit|(?:pop|go)\s+round\s+(?:to\s+)?(?:your|his|her|their)\s+(?:house|place|home|flat)|"
                r"(?:pop|go)\s+round\s+(?:there\s+)?and\s+(?:have\s+a\s+(?:word|chat)|sort\s+(?:him|her|them)\s+out))"
                r"|see\s+how\s+(?:you|he|she|they)\s+likes?\s+it"
                r"|(?:i'?ll|i\s+will|we'?ll|we\s+will)\s+(?:be\s+|going\s+to\s+be\s+|gonna\s+be\s+)(?:outside|waiting\s+(?:outside|at))"
                r"\s+(?:your|ur|yer|his|her|their)\s+(?:house|home|door|front\s+door|flat|car)(?!\s+(?:to|with|for)\s)"
                r"|(?:you|u|he|she|they)(?:'ve|\s+have|\s+has|'s)\s+been\s+warned|(?:your|his|her|their)\s+days\s+are\s+numbered"
                r"|(?:you|u|he|she|they)(?:'d|\s+had|d)?\s+(?:better|best)\s+watch\s+(?:out|yourself|himself|herself|themselves|it|"
                r"(?:your|his|her|their)\s+back)|coming\s+for\s+(?:you|u|him|her|them)"
                # "Tell Fell he wants to watch himself walking back to his car": the Northern veiled warning.
                r"|(?:you|u|he|she|they)\s+(?:wants?|needs?)\s+to\s+watch\s+(?:yourself|himself|herself|themselves|"
                r"(?:your|his|her|their)\s+back)(?!\s+(?:on|in|at)\s+(?:the\s+)?(?:ice|road|stairs|step))"
                # Pointing others at someone's door: "…if anyone wants to go and ask her in person".
                r"|if\s+(?:anyone|anybody|any\s+of\s+you|you)\s+wants?\s+to\s+(?:go\s+(?:round(?=\s*(?:and\s|there|to\s+(?:his|her|"
                r"their)|[.!,]|$))|and\s+(?:ask|see|tell|confront|find)\s+(?:him|her|them))|"
                r"pop\s+round|pay\s+(?:him|her|them)\s+a\s+visit|(?:ask|tell)\s+(?:him|her|them)\s+in\s+person|"
                r"have\s+a\s+word\s+(?:in\s+person|face\s+to\s+face))"
                r"|(?:you|u)(?:'re|re|\s+are)\s+(?:a\s+)?dead(?:\s+(?:man|woman|meat))?(?=\s*(?:[.!,]|$|when|if))"
                r"|get\s+what'?s\s+coming|(?:you|u|he|she|they)(?:'ll|ll|\s+will)\s+be\s+sorry"
                r"|(?:someone|somebody|people|you|he|she)(?:'s|\s+is|'re|\s+are|\s+will|'ll)\s+(?:going\s+to\s+)?(?:get(?:ting)?|be)\s+"
                r"(?:hurt|hurted|battered|done\s+in|seriously\s+hurt)"
                r"|(?:i'?ll|i\s+will|we'?ll)\s+(?:make\s+(?:you|your\s+life|sure\s+you|him|her)\s+(?:pay|regret|suffer|hell|"
                r"a\s+misery)|find\s+(?:you|out\s+where\s+you\s+live)|get\s+(?:you|him|her|them)\s+(?:back|for\s+this))"
                r"|you\s+won'?t\s+know\s+what\s+hit\s+you|see\s+what\s+happens\s+(?:to\s+you|next)"
            )
        ),
        Label.THREAT,
        0.85,
        "intimidation or veiled threat",
        "intimidation",
    ),
)

_CONTEXTUAL_RE = re.compile(_w(_CONTEXTUAL_INSULTS))
_OF_A = re.compile(r"\s+of\s+an?\s+[a-z]+")
# Adjectives that make a contextual insult name-calling when they lead it ("sad bitter old witch").
_LEADING_ONLY = (
    r"sad|bitter|miserable|jumped[\s-]up|lying|thieving|greedy|dirty|filthy|stuck[\s-]up|two[\s-]faced"
)
_LEADING_ADJECTIVE = re.compile(
    rf"(?<![a-z])(?:{_INSULT_ADJECTIVES}|{_LEADING_ONLY})(?:[\s,]+[a-z-]+){{0,2}}[\s,]+$"
)
# "She was a witch in the nativity", "dressed as a pig for book day": costumes and roles, not insults.
_ROLE_PLAY = re.compile(
    r"(?<![a-z])(?:dressed|dressing|costume|played|playing|plays|role|part|as)(?:\s+up)?\s+(?:as\s+)?(?:an?|the)\s+(?:\w+\s+)?$"
)
_ROLE_PLAY_AFTER = re.compile(
    r"\s+(?:in|for|at)\s+(?:the\s+|our\s+|this\s+)?(?:play|nativity|show|panto|pantomime|assembly|book\s+day|production|musical|costume)|\s+costume"
)
# The word names a thing, not the person: "she's a dog lover", "he's a pig farmer", "a rat catcher".
_NAMES_A_THING_AFTER = re.compile(
    r"\s+(?:lovers?|owners?|walkers?|farmers?|farming|person|people|shows?|food|trainers?|sitters?|breeders?|"
    r"whisperers?|handlers?|groomers?|rescue|fans?|keepers?|catchers?|racing|man(?![a-z])|woman|lady|"
    r"mad|crazy|obsessed|friendly)(?![a-z])"
)


class AbuseClassifier:
    """Insults, slurs, targeted profanity (ABUSE) and threats of harm, veiled or explicit (THREAT).

    Rules, not a model: the later trained model sits beside this one and the policy takes the stronger of
    the two. Findings carry ``("kind", ...)``: slur, hate, insult, profanity, death_wish, shaming, hostile,
    violence, arson, intimidation. The policy treats arson and threats to life as police matters.
    """

    name: ClassVar[str] = "abuse_rules"
    version: ClassVar[str] = "abuse_rules-1.0"

    def load(self) -> None:
        """Nothing heavy to load: the lexicons are compiled at import."""

    def classify(self, text: str) -> list[Finding]:
        norm = normalise(text)
        lowered = norm.text.lower()
        leet = lowered.translate(_LEET)
        quoted = [m.span() for m in _QUOTED.finditer(lowered)]
        found: list[tuple[int, int, _Rule]] = []

        for rule in _RULES:
            for view in (
                (lowered, leet)
                if rule.kind in ("slur", "insult", "profanity", "aimed_profanity")
                else (lowered,)
            ):
                for match in rule.pattern.finditer(view):
                    start, end = match.span()
                    if rule.label is Label.THREAT and rule.kind == "violence":
                        exasperated = _EXASPERATION_AFTER.match(lowered, end)
                        if exasperated or _joking_about_family(lowered, start, end):
                            continue
                        verb = match.groupdict().get("verb") or ""
                        kind = "life" if _LIFE_VERBS.match(verb) else "violence"
                        found.append(
                            (
                                start,
                                end,
                                _Rule(rule.pattern, rule.label, rule.score, _THREAT_TEXT[kind], kind),
                            )
                        )
                    elif rule is _STRONG_INSULT_RULE and _SAID_OF_SOMEONE.search(lowered, 0, start):
                        # "the senco is a waste of oxygen": said of someone, it is name-calling.
                        found.append((start, end, _AIMED_STRONG_INSULT_RULE))
                    else:
                        found.append((start, end, rule))

        for match in _CONTEXTUAL_RE.finditer(lowered):
            start, end = match.span()
            window = lowered[max(0, start - 60) : start]
            after = lowered[end : end + 40]
            if (
                _ROLE_PLAY.search(window[-40:])
                or _ROLE_PLAY_AFTER.match(after)
                or _NAMES_A_THING_AFTER.match(after)
            ):
                continue
            of_a = _OF_A.match(lowered, end)
            if _INSULT_FRAME.search(window) or of_a:
                # Highlight the whole phrase: "useless cow of a teacher", not just "cow".
                adjective = _LEADING_ADJECTIVE.search(window)
                span_start = start - (len(window) - adjective.start()) if adjective else start
                # An insulting adjective on an insulting noun ("spineless coward", "useless wasters") is
                # name-calling however the model reads the rest.
                rule = _DOUBLE_INSULT_RULE if adjective else _CONTEXTUAL_RULE
                found.append((span_start, of_a.end() if of_a else end, rule))

        for match in _MASKED.finditer(lowered):
            token = match.group()
            if any(_fits_mask(token, word) for word in _MASKED_SLURS):
                found.append((match.start(), match.end(), _MASKED_SLUR_RULE))
            elif any(_fits_mask(token, word) for word in _MASK_TARGETS):
                found.append((match.start(), match.end(), _MASKED_RULE))

        findings: list[Finding] = []
        for start, end, rule in _dedupe(found, lowered):
            if rule.kind != "arson" and _is_reported(lowered, start, end, quoted):
                continue
            if rule.kind in ("insult", "name_calling") and _NEGATED.search(
                lowered, max(0, start - 40), start
            ):
                continue
            o_start, o_end = norm.span(start, end)
            findings.append(
                Finding(
                    label=rule.label,
                    score=rule.score,
                    start=o_start,
                    end=o_end,
                    explanation=rule.explanation,
                    detector_version=self.version,
                    attributes=(("kind", rule.kind),),
                )
            )
        return findings


# A parent's exasperation, not a threat: "I'll kill him if he's lost another blazer".
_EXASPERATION_AFTER = re.compile(
    r"\s+(?:if|when)\s+(?:he|she|they)(?:'s|'ve|\s+has|\s+have)?\s+(?:gone\s+and\s+)?(?:lost|forgotten|forgot|broken|"
    r"broke|left|ruined|eaten|spent|wrecked|torn|ripped|drawn|scribbled)(?![a-z])"
)
# "My lad's forgot his PE kit AGAIN, I'll murder him 😂": a parent laughing about their own family.
_OWN_FAMILY = re.compile(
    r"(?<![a-z])(?:my|our|me)\s+(?:lad|son|boy|daughter|girl|kids?|eldest|youngest|middle\s+one|little\s+one|child|"
    r"bairn|husband|hubby|fella|other\s+half|wife|missus|brother|sister)(?![a-z])"
    # "our Kayla": a family member by name, in the North and Midlands.
    r"|(?<![a-z])our\s+(?!(?:school|class|teachers?|head|town|street|road|village|area|kids'?)(?![a-z]))[a-z]{3,}"
)
_FAMILY_OBJECT = re.compile(r"(?<![a-z])(?:him|her|them|'em|the\s+lot\s+of\s+them)$")
_LAUGHING = re.compile(r"[^a-z\n]{0,12}(?:😂|🤣|🙈|😆|😅|🙄|(?<![a-z])(?:lol|lmao|haha\w*)(?![a-z]))")


_SOMEONE_ELSE = re.compile(
    r"(?<![a-z])(?:mr|mrs|miss|ms|mx|dr|sir|teachers?|head|deputy|caretaker|staff|that\s+\w+|his\s+mate|her\s+mate|"
    r"the\s+(?:boy|girl|lad|kid|man|woman))(?![a-z])"
)


def _joking_about_family(lowered: str, start: int, end: int) -> bool:
    """A threat at him/her whose nearest person is the writer's own child or partner, with a laugh after."""
    mentions = list(_OWN_FAMILY.finditer(lowered, max(0, start - 100), start))
    family = mentions[-1] if mentions else None
    return bool(
        family is not None
        and _FAMILY_OBJECT.search(lowered, start, end)
        and not _SOMEONE_ELSE.search(lowered, family.end(), start)
        and _LAUGHING.match(lowered, end)
    )


_THREAT_TEXT = {"life": "threat to kill or seriously injure", "violence": "threat of violence"}
_AIMED_STRONG_INSULT_RULE = _Rule(
    _STRONG_INSULT_RULE.pattern, Label.ABUSE, 0.9, "insult aimed at a person", "name_calling"
)
_CONTEXTUAL_RULE = _Rule(_CONTEXTUAL_RE, Label.ABUSE, 0.75, "insult aimed at a person", "insult")
_DOUBLE_INSULT_RULE = _Rule(_CONTEXTUAL_RE, Label.ABUSE, 0.8, "insult aimed at a person", "name_calling")
_MASKED_RULE = _Rule(_MASKED, Label.ABUSE, 0.7, "masked profanity", "profanity")
_MASKED_SLUR_RULE = _Rule(_MASKED, Label.ABUSE, 0.9, "slur (masked)", "slur")


def _fits_mask(token: str, word: str) -> bool:
    """True when ``token`` is ``word`` with some letters replaced by * # or %."""
    return len(token) == len(word) and all(t == w or t in "*#%" for t, w in zip(token, word, strict=False))


def _is_reported(text: str, start: int, end: int, quoted: list[tuple[int, int]]) -> bool:
    """True when the words are quoted or reported ("he called her a slag"): a complaint about language."""
    if any(q_start <= start and end <= q_end for q_start, q_end in quoted):
        return True
    return _REPORTING_FRAME.search(text[max(0, start - 60) : start]) is not None


def _dedupe(found: list[tuple[int, int, _Rule]], text: str) -> list[tuple[int, int, _Rule]]:
    """One finding per phrase and label: overlapping matches keep the highest score (then the longest span),
    and matches separated only by a space or comma merge: "spineless" + "coward" highlight as one phrase."""
    ordered = sorted(found, key=lambda f: (f[2].label, -f[2].score, f[0] - f[1], f[0]))
    kept: list[tuple[int, int, _Rule]] = []
    for start, end, rule in ordered:
        if any(k[2].label is rule.label and k[0] < end and start < k[1] for k in kept):
            continue
        kept.append((start, end, rule))
    kept.sort(key=lambda f: (f[2].label, f[0]))
    merged: list[tuple[int, int, _Rule]] = []
    for start, end, rule in kept:
        if merged:
            p_start, p_end, p_rule = merged[-1]
            if p_rule.label is rule.label and p_end <= start and _JOINER.fullmatch(text[p_end:start]):
                best = p_rule if p_rule.score >= rule.score else rule
                if {p_rule.kind, rule.kind} <= _INSULT_KINDS and _CONTEXTUAL_RE.search(text, p_start, end):
                    best = _DOUBLE_INSULT_RULE  # "a liar and a fraud": two insults are name-calling
                merged[-1] = (p_start, max(end, p_end), best)
                continue
        merged.append((start, end, rule))
    return sorted(merged, key=lambda f: (f[0], f[2].label))


_INSULT_KINDS = frozenset({"insult", "name_calling"})
_JOINER = re.compile(r"[\s,]{0,3}(?:(?:and|or)\s+(?:an?\s+)?|of\s+an?\s+)?")


# -- trained model ---------------------------------------------------------------------------------------------

#: Inputs of the abuse head, in order: the sentence embedding, alt-profanity-check's probability, and the
#: strongest rule hits. The rules carry what a 40k-tweet training set cannot: UK slang and threats with no
#: swear word in them.
ABUSE_FEATURES = ("embedding", "profanity", "rule_abuse", "rule_threat", "rule_hate")
_HATE_KINDS = frozenset({"slur", "hate"})
# Rule kinds precise enough to stand on their own when the model disagrees (see AbuseModel.combine).
_DECISIVE_KINDS = frozenset(
    {
        "slur",
        "hate",
        "death_wish",
        "shaming",
        "arson",
        "life",
        "violence",
        "intimidation",
        "aimed_profanity",
        "name_calling",
    }
)


class ProfanityScorer:
    """alt-profanity-check's calibrated linear SVM, evaluated directly from its weights.

    The package's ``predict_prob`` costs about 4 ms per call in scikit-learn's input checks; the same maths
    on the extracted arrays costs microseconds, which matters when the bot classifies one comment at a time.
    """

    def __init__(self) -> None:
        self._vectorizer: Any = None
        self._weights = np.zeros((0, 0))
        self._bias = np.zeros(0)
        self._a = np.zeros(0)
        self._b = np.zeros(0)

    def load(self) -> None:
        if self._vectorizer is not None:
            return
        from profanity_check import profanity_check as package

        calibrated = package.model.calibrated_classifiers_
        self._weights = np.vstack([c.estimator.coef_.ravel() for c in calibrated]).T
        self._bias = np.array([c.estimator.intercept_[0] for c in calibrated])
        self._a = np.array([c.calibrators[0].a_ for c in calibrated])
        self._b = np.array([c.calibrators[0].b_ for c in calibrated])
        self._vectorizer = package.vectorizer

    def probability(self, texts: Sequence[str]) -> Array:
        self.load()
        if not texts:
            return np.zeros(0, dtype=np.float32)
        matrix = self._vectorizer.transform(list(texts))
        decision = np.asarray(matrix @ self._weights) + self._bias
        # CalibratedClassifierCV averages one sigmoid per fold: expit(-(a*d + b)).
        probability: Array = (
            (1.0 / (1.0 + np.exp(self._a * decision + self._b))).mean(axis=1).astype(np.float32)
        )
        return probability


def rule_features(findings: Sequence[Finding]) -> tuple[float, float, float]:
    """(strongest abuse rule score, strongest threat rule score, 1 if a slur or group hate rule fired)."""
    abuse = max((f.score for f in findings if f.label is Label.ABUSE), default=0.0)
    threat = max((f.score for f in findings if f.label is Label.THREAT), default=0.0)
    hate = float(any(f.attribute("kind") in _HATE_KINDS for f in findings))
    return abuse, threat, hate


def abuse_features(embeddings: Array, profanity: Array, rule_hits: Sequence[Sequence[Finding]]) -> Array:
    """The abuse head's input matrix, one row per text (see :data:`ABUSE_FEATURES`)."""
    rules = np.array([rule_features(hits) for hits in rule_hits], dtype=np.float32).reshape(-1, 3)
    return np.hstack([embeddings, profanity.reshape(-1, 1), rules]).astype(np.float32)


class AbuseModel:
    """The trained abuse head combined with the rules.

    The head sees the embedding, the profanity score and the rule hits, and decides whether the text is
    abusive. Rule spans are kept for highlighting; when the head says the text is abusive and no rule marked
    a span, one whole-text finding carries its score. When the head says it is not, only decisive rule kinds
    (slurs, group hate, death wishes, threats) stand, and weaker rule hits drop below the policy threshold:
    "pig" on a farm visit, "shit" in a quote, "sacked" in a news story.
    """

    name: ClassVar[str] = "abuse_model"
    owns: ClassVar[frozenset[Label]] = frozenset({Label.ABUSE, Label.THREAT})

    def __init__(self, head: Head, rules: AbuseClassifier | None = None) -> None:
        self._head = head
        self._rules = rules or AbuseClassifier()
        self._profanity = ProfanityScorer()
        self.version = f"abuse_model-{head.info.get('version', '0')}"

    def load(self) -> None:
        self._rules.load()
        self._profanity.load()

    def scores(
        self, texts: Sequence[str], embeddings: Array, rule_hits: Sequence[Sequence[Finding]]
    ) -> Array:
        """Calibrated abuse scores (0.5 is the trained decision threshold), one per text."""
        features = abuse_features(embeddings, self._profanity.probability(texts), rule_hits)
        return self._head.score(features)

    def combine(self, text: str, score: float, rule_hits: Sequence[Finding]) -> list[Finding]:
        """Final ABUSE/THREAT findings for one text from its model score and its rule findings."""
        own = [f for f in rule_hits if f.label in self.owns]
        if score >= 0.5:
            findings = [
                f if f.label is Label.THREAT else _with_score(f, max(f.score, score), self.version)
                for f in own
            ]
            if not any(f.label is Label.ABUSE for f in findings) and not any(
                f.label is Label.THREAT for f in findings
            ):
                findings.append(
                    Finding(
                        label=Label.ABUSE,
                        score=float(score),
                        start=None,
                        end=None,
                        explanation="abusive or offensive language (trained model)",
                        detector_version=self.version,
                        attributes=(("kind", "model"),),
                    )
                )
            return findings
        return [
            f
            if f.attribute("kind") in _DECISIVE_KINDS
            else _with_score(f, min(f.score, 0.45), f.detector_version)
            for f in own
        ]


def _with_score(finding: Finding, score: float, version: str) -> Finding:
    return Finding(
        label=finding.label,
        score=float(min(max(score, 0.0), 1.0)),
        start=finding.start,
        end=finding.end,
        explanation=finding.explanation,
        detector_version=version,
        attributes=finding.attributes,
    )
