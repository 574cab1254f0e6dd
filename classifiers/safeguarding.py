"""Detects safeguarding disclosures and concerns about a child's safety (recall over precision)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from classifiers.base import Finding, Label
from classifiers.text import normalise, sentences

# A child as the object of harm: "my son", "the kids", "a year 3 girl", "him", "her".
_CHILD = (
    r"(?:(?:my|our|his|her|their|the|a|an|some|other|older|younger|these|those|two|three|little|one\s+of\s+the|"
    r"year\s*\d+)\s+(?:\w+\s+)?(?:sons?|daughters?|child|children|kids?|boys?|girls?|pupils?|students?|"
    r"year\s*\d+s?|reception|little\s+ones?|toddlers?|babies|baby|grandson|granddaughter|nieces?|nephews?|"
    r"brothers?|sisters?|twins?|friends?|lads?|lass(?:es)?)|him|her|them)"
)
_PRONOUN_THINGS = (
    r"(?!\s+(?:ball|bag|coat|book|toy|football|way|homework|lunch|pencil|hat|shoes|bike|car|phone|tablet|"
    r"drawing|work|name|turn|seat|place|best|goal|target|chance|time))"
)
_HARM_VERBS = (
    r"hits?|hitting|beat(?:s|ing|en)?(?![^.!?\n]{0,50}?(?:in\s+the\s+(?:\w+\s+)?(?:final|semi-?final|race|quiz|match|"
    r"game|round|competition|tournament|league|heats?)|on\s+penalties|at\s+(?:chess|tennis|darts|pool|fifa|cards)|\d+\s*-\s*\d+))|punch(?:es|ed|ing)?|kick(?:s|ed|ing)?|slap(?:s|ped|ping)?|"
    r"smack(?:s|ed|ing)?|hurts?|hurting|shak(?:es|ing)|shook|burn(?:s|ed|t|ing)?|chok(?:es|ed|ing)|"
    r"strangl\w*|throttl\w*|whip(?:s|ped)?|belt(?:s|ed)?|bit|bites|biting|scratch(?:es|ed|ing)|spat\s+(?:at|on)|"
    r"spits?\s+(?:at|on)|spitting\s+(?:at|on)|push(?:es|ed|ing)|shov(?:es|ed|ing)|trip(?:s|ped|ping)|"
    r"grab(?:s|bed|bing)|drag(?:s|ged|ging)|pinch(?:es|ed|ing)|threaten(?:s|ed|ing)?|attack(?:s|ed|ing)?|"
    r"assault(?:s|ed|ing)?|abus(?:es|ed|ing)|touch(?:es|ed|ing)\s+(?:\w+\s+)?inappropriately"
)


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    kind: str
    score: float
    #: Context anywhere in the same sentence that says the match is no concern ("a black eye from rugby"),
    #: unless the sentence doubts the story ("said it was from PE but I don't believe him").
    unless: re.Pattern[str] | None = None


# Knocks from sport and play, told with pride or a laugh: a bruise from hockey is not a disclosure.
_SPORT_INJURY = re.compile(
    r"(?<![a-z])(?:(?:from|at|in|playing|during|doing)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:\w+[\s-])?(?:rugby|football|"
    r"footy|hockey|netball|cricket|basketball|pe|games|match|training|tournament|sports\s+day|gymnastics|karate|judo|"
    r"boxing|taekwondo|kickboxing|skate\s*park|trampolin\w*|climbing|rounders|dodgeball|tag)|war\s+wound|battle\s+scar|"
    r"(?:proper|massive|right)\s+shiner|(?:well\s+|dead\s+|so\s+|really\s+)?proud\s+of\s+it|made\s+up\s+with\s+it)(?![a-z])"
)


def _r(pattern: str) -> re.Pattern[str]:
    # The group matters: without it the word bounds bind only to the first and last alternatives, and
    # "rape" matched inside "scraped".
    return re.compile(rf"(?<![a-z])(?:{pattern})(?![a-z])")


_RULES: tuple[_Rule, ...] = (
    # Physical harm to a child, by an adult or another child.
    _Rule(_r(rf"(?:{_HARM_VERBS})\s+{_CHILD}{_PRONOUN_THINGS}"), "harm", 0.8),
    # A child taken, and adults who court pupils: "dragged into a car", "offering year 11 girls lifts home".
    _Rule(
        _r(
            r"(?:dragged|pulled|bundled|forced|pushed|shoved|grabbed)\s+(?:\w+\s+)?into\s+(?:a|the|his|her|their)\s+"
            r"(?:\w+\s+)?(?:car|van|vehicle)|offer(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?(?:girls|boys|kids|pupils|students|"
            r"children)\s+lifts|adding\s+(?:them|pupils|kids|girls|boys|students)\s+on\s+(?:snapchat|snap|instagram|"
            r"insta|facebook|tiktok|whatsapp)"
        ),
        "grooming",
        0.8,
    ),
    _Rule(
        _r(
            r"(?:been|started|is|was|keeps?)\s+cutting\s+(?:again|herself|himself|themselves|her\s+arms?|his\s+arms?|"
            r"her\s+legs?|his\s+legs?)"
        ),
        "self_harm",
        0.8,
    ),
    # "grabbed Robin by the arm": a named child is not in _CHILD, but the grip says what happened.
    _Rule(
        _r(
            r"(?:grab(?:bed|s|bing)?|drag(?:ged|s|ging)?|yank(?:ed|s|ing)?|pull(?:ed|s|ing)|shook|held|pinn(?:ed|ing)|"
            r"squeez(?:ed|es|ing)|lift(?:ed|s|ing))\s+(?:[a-z'-]+\s+){1,3}?by\s+(?:the|his|her|their)\s+(?:arms?|neck|hair|"
            r"collar|wrists?|throat|ears?|scruff)"
        ),
        "harm",
        0.8,
    ),
    _Rule(
        _r(
            r"bruis\w*|black\s+eye|left\s+(?:a\s+)?marks?|marks?\s+on\s+(?:his|her|their)\s+\w+|"
            r"burns?\s+on\s+(?:his|her|their)|broken\s+(?:arm|wrist|bone|nose)|(?:split|cut|burst|fat)\s+lip"
        ),
        "harm",
        0.6,
        unless=_SPORT_INJURY,
    ),
    _Rule(
        _r(
            r"(?:scared|afraid|frightened|terrified)\s+(?:to\s+go\s+home|of\s+(?:him|them|(?:his|her|their)\s+(?:dad|mum|"
            r"father|mother|step\w*|uncle|parents?|mum'?s\s+boyfriend|carer|brother)))|"
            r"(?:dad|mum|father|mother|step-?dad|step-?mum|stepfather|stepmother|parents?|carer|mum'?s\s+boyfriend)\s+"
            r"(?:drinks|gets\s+drunk|is\s+(?:always\s+)?drunk|takes\s+drugs|is\s+on\s+drugs)|(?:doesn'?t|does\s+not|won'?t)\s+want\s+to\s+go\s+home"
        ),
        "abuse_neglect",
        0.8,
    ),
    # Neglect and children left unsupervised.
    _Rule(
        _r(
            r"no\s+food\s+(?:at\s+home|in\s+the\s+house)|nothing\s+to\s+eat|(?:nothing|nowt|no\s+food)\s+in\s+(?:at\s+home|the\s+house)|"
            r"turn(?:s|ed|ing)?\s+up\s+(?:\w+\s+){0,4}?(?:starving|hungry|famished)|(?:hadn'?t|hasn'?t|had\s+not|has\s+not|not|never)\s+"
            r"(?:eaten|had\s+(?:a\s+)?(?:meal|anything\s+to\s+eat|breakfast|tea))\s+(?:in|for)\s+(?:days|ages|a\s+while|"
            r"a\s+day|two\s+days|\d+\s+days)|ate\s+like\s+(?:he|she|they)\s+(?:hadn'?t|hasn'?t|had\s+not)|(?:always|constantly|really|so|very)\s+(?:hungry|starving)|"
            r"(?:comes?|came|sent|turns?\s+up|turned\s+up)\s+(?:in\s+)?(?:to\s+school\s+)?(?:hungry|dirty|unwashed|smelly|"
            r"in\s+dirty\s+clothes|without\s+(?:a\s+)?(?:coat|food|lunch|breakfast|shoes))|"
            r"left\s+(?:alone|on\s+(?:his|her|their)\s+own|home\s+alone|unsupervised|waiting|outside|behind)|"
            r"home\s+alone|nobody\s+(?:picked|collected|came\s+for)|no\s+one\s+(?:picked|collected|came\s+for)|"
            r"(?:not|never)\s+(?:been\s+)?(?:picked|collected)\s+up|locked\s+(?:in|out)|neglect\w*|"
            r"no\s+(?:heating|electricity|electric|bed)|sleeping\s+rough|"
            r"(?:parents?|mum|dad|mother|father)\s+(?:is|are|was|were)\s+(?:always\s+)?(?:drunk|high|off\s+(?:their|her|his)\s+face)|"
            r"(?:wandering|walking|roaming)\s+(?:the\s+streets|around)\s+(?:alone|late|at\s+night)|"
            r"lock(?:s|ed|ing)?\s+(?:\w+\s+){1,3}?in\s+(?:a|the)\s+(?:\w+\s+)?(?:cupboard|cellar|shed|cage|store\s*room|"
            r"toilets?)|"
            r"(?:sleeps?|sleeping|slept|made\s+to\s+sleep|has\s+to\s+sleep|locked)\s+(?:in|on)\s+(?:a|the)\s+"
            r"(?:shed|floor|car|garage|cupboard|garden|cellar)|"
            r"(?:comes?|came|turns?\s+up|turned\s+up|sent)\s+(?:in\s+|into\s+school\s+|to\s+school\s+)?(?:(?:every|each)\s+"
            r"(?:day|morning)\s+|most\s+days\s+)?(?:with|in|wearing)\s+(?:the\s+same\s+)?(?:dirty|filthy|smelly|torn|soaking|wet)|"
            r"(?:the\s+)?same\s+(?:dirty\s+|filthy\s+|smelly\s+|unwashed\s+)?(?:clothes|uniform)\s+(?:every\s+day|all\s+week|"
            r"for\s+(?:days|a\s+week|weeks))(?!\s+of\s+(?:the|our|their)\s)|no\s+coat\s+in\s+(?:winter|the\s+cold|this\s+weather)|"
            r"(?:drink[\s-]?driv\w*|drunk[\s-]driv\w*|driv(?:e|es|ing|en)\s+(?:drunk|high|stoned|off\s+(?:his|her)\s+face)|"
            r"drove\s+(?:drunk|high|stoned))[^.!?\n]{0,60}?(?:kids?|children|child|son|daughter|baby|little\s+ones?|school\s+run)|"
            r"(?:kids?|children|child|son|daughter|baby|little\s+ones?)[^.!?\n]{0,60}?(?:drink[\s-]?driv\w*|drunk[\s-]driv\w*)"
        ),
        "abuse_neglect",
        0.75,
    ),
    # Self-harm and suicide.
    _Rule(
        _r(
            r"self[\s-]?harm\w*|cutting\s+(?:himself|herself|themselves|myself)|cuts\s+on\s+(?:his|her|their)\s+arms?|"
            r"suicid\w*|kill\s+(?:himself|herself|themselves|myself)|(?:wants?|wanted|wanting)\s+to\s+die|"
            r"end\s+(?:it\s+all|(?:his|her|their|my)\s+(?:own\s+)?life)|(?:doesn'?t|does\s+not|don'?t|didn'?t)\s+want\s+to\s+"
            r"(?:live|be\s+alive|be\s+here\s+any\s*more|wake\s+up)|overdos\w*|(?:hurting|harming)\s+(?:himself|herself|themselves)|"
            r"eating\s+disorder|anorexi\w*|bulimi\w*|starving\s+(?:himself|herself|themselves)"
        ),
        "self_harm",
        0.9,
    ),
    # Hints rather than words: "wanting to disappear", "not being here much longer", "nobody would notice".
    _Rule(
        _r(
            r"(?<!i\s)(?<!i'd\s)(?<!i\sjust\s)(?:wants?|wanted|wanting|wishes|wishing)\s+"
            r"(?:to|she\s+could|he\s+could|they\s+could)\s+(?:just\s+)?"
            r"(?:disappear|vanish|go\s+to\s+sleep\s+(?:and|forever)|not\s+wake\s+up|not\s+exist)|"
            r"(?:not|won'?t\s+be|wouldn'?t\s+be)\s+(?:being\s+)?(?:here|around)\s+(?:much|for\s+much)\s+longer|"
            r"(?:nobody|no\s+one|noone|no-one)\s+would\s+(?:notice|care|miss\s+(?:her|him|them|me))"
            r"(?=\s*(?:[.,!?;)'\"\n]|$|if\s+(?:she|he|they|i)\s+(?:was|were|wasn'?t|weren'?t|went|died|disappeared|"
            r"vanished|left|was\s+gone)))|"
            r"(?:everyone|everybody|we'?d\s+all|the\s+world|(?:her|his|their)\s+family)\s+(?:would\s+be\s+|'?d\s+be\s+)?"
            r"better\s+off\s+without\s+(?:her|him|them|me)(?![a-z])"
            r"|(?:saying|says|said|posting|posts|posted|talking|talks|talked)\s+(?:about\s+)?(?:\w+\s+){0,3}?"
            r"(?:goodbye\s+to\s+everyone|giving\s+(?:away\s+)?(?:all\s+)?(?:her|his|their)\s+(?:stuff|things))"
        ),
        "self_harm",
        0.8,
    ),
    # Signs of exploitation: "getting into cars with older men after school".
    _Rule(
        _r(
            # Not an adult doing it: "my husband got into the car with the older lads from five-a-side".
            r"(?<!husband\s)(?<!hubby\s)(?<!dad\s)(?<!partner\s)(?<!i\s)(?<!we\s)"
            r"(?:get|gets|getting|got|gone|going|seen|saw\s+(?:him|her|them))\s+(?:in|into)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?"
            r"(?:cars?|vans?|taxis?)\s+with\s+(?:\w+\s+){0,2}?(?:older|grown|adult|strange|much\s+older|grown-?up)\s+"
            r"(?:men|man|lads?|blokes?|guys?|males?|boys?)"
        ),
        "grooming",
        0.8,
    ),
    # Grooming, online exploitation and image requests.
    _Rule(
        _r(
            r"(?:asking|asked|asks|begging|begged|wants?|wanted|pressur\w*|making|made|told|telling|getting|got)\s+"
            r"(?:\w+\s+){0,3}?(?:for|to\s+(?:send|share|show|take))\s+(?:\w+\s+){0,2}?"
            r"(?:photos?|pictures?|pics?|images?|nudes?|videos?|selfies?)"
        ),
        "grooming",
        0.85,
    ),
    _Rule(
        _r(
            r"(?:keep\s+(?:it|this|that)|our\s+little|(?:a|it'?s\s+a|our)\s+)\s*secret|(?:don'?t|not\s+to|never\s+to|never)\s+tell\s+"
            r"(?:anyone|anybody|(?:your|his|her|their)\s+(?:mum|dad|parents|teacher))"
        ),
        "grooming",
        0.7,
    ),
    _Rule(
        _r(
            rf"(?:man|men|adults?|strangers?|older\s+(?:boys?|men|man|guys?|lads?|girls?|teens?|kids?)|someone|somebody|"
            rf"grown\s+(?:man|men|up)|guy|bloke|(?:fake\s+|random\s+|an\s+|some\s+)?(?:account|profile))\s+(?:\w+\s+){{0,4}}?(?:messag\w*|texting|texts|dm'?ing|dms|contact\w*|"
            rf"talk(?:s|ed|ing)\s+to|chat(?:s|ted|ting)\s+(?:to|with)|add(?:ed|ing)|follow(?:s|ed|ing)|befriend\w*|"
            rf"approach\w*|offer\w*|gave|giving|gives|bought|buying|sending|sent|video\s+call\w*)\s+(?:\w+\s+){{0,2}}?{_CHILD}"
        ),
        "grooming",
        0.8,
    ),
    _Rule(
        _r(
            r"messages?\s+from\s+(?:an?\s+)?(?:adult|grown\s+(?:man|up)|man|men|stranger|older\s+(?:man|men|boy|guy|lad))|"
            r"(?:adult|grown\s+(?:man|men)|stranger|strangers|older\s+(?:man|men|guy|guys))[^.!?\n]{0,40}?(?:roblox|snapchat|"
            r"tiktok|instagram|insta|whatsapp|discord|fortnite|minecraft|xbox|playstation|online|in\s+a\s+game|"
            r"on\s+(?:her|his|their)\s+(?:phone|tablet|ipad))|(?:roblox|snapchat|tiktok|instagram|insta|whatsapp|discord|"
            r"fortnite|minecraft|xbox|playstation)[^.!?\n]{0,40}?(?:adult|grown\s+(?:man|men)|stranger|older\s+(?:man|men|guy))"
        ),
        "grooming",
        0.8,
    ),
    _Rule(
        _r(
            r"groom(?:ed|ing)|sextortion|blackmail\w*|catfish\w*|met\s+(?:him|her|them|someone)?\s*online|"
            r"meet\s+up\s+with\s+(?:someone|a\s+man|him|her|a\s+stranger)"
        ),
        "grooming",
        0.7,
    ),
    _Rule(
        _r(
            r"offer(?:s|ed|ing)?\s+(?:them\s+|her\s+|him\s+|girls\s+|kids\s+)?(?:\w+\s+){0,2}?"
            r"(?:['\"]?photo-?\s?shoots?|modell?ing\s+(?:work|jobs?|contracts?))"
        ),
        "grooming",
        0.75,
    ),
    _Rule(
        _r(
            r"sexting|nudes?|naked\s+(?:photos?|pictures?|pics|images|videos?|selfies?)|indecent\s+(?:images?|photos?)|"
            r"sharing\s+(?:\w+\s+){0,2}(?:photos?|pictures?|pics|images|videos?)\s+of\s+(?:her|him|girls|boys|pupils|kids|"
            r"children|other|a\s+\w+)|upskirt\w*|(?:explicit|sexual|rude)\s+(?:photos?|pictures?|pics|images|videos?|"
            r"messages?|content)|inappropriate\s+(?:photos?|pictures?|pics|images|videos?|messages?)|porn\w*|deep-?fakes?|"
            r"(?:photos?|pictures?|pics?|videos?)\s+(?:of\s+(?:[\w']+\s+){1,6}?)?(?:(?:is|are|was|were|has\s+been)\s+)?(?:being\s+)?"
            r"(?:shared|sent|passed|going)\s+"
            r"(?:round|around)|(?:photos?|pictures?|pics|videos?|clips?)\s+of\s+(?:\w+\s+){1,4}?(?:getting\s+changed|changing|"
            r"undressed|undressing|naked|in\s+the\s+shower|in\s+(?:her|his|their)\s+(?:underwear|pants|knickers|bra))"
        ),
        "sexual_images",
        0.85,
    ),
    # Images and videos of children shared without consent (fights, humiliation).
    _Rule(
        _r(
            r"(?:filmed|filming|recorded|recording|videoed)\s+(?:a\s+|the\s+)?(?:fight|him|her|them|it|my\s+\w+)[^.!?\n]{0,50}?"
            r"(?:posted|shared|put|sent|uploaded|spread|all\s+over\s+(?:tiktok|snapchat|snap|instagram|insta|whatsapp|"
            r"social\s+media|the\s+internet))|(?:posted|shared|put|uploaded|spread)\s+(?:it|a\s+video|videos?|"
            r"photos?|pictures?|clips?)\s+(?:of\s+(?:him|her|them|a\s+\w+|my\s+\w+)\s+)?(?:on|online|to|all\s+over)\s+"
            r"(?:tiktok|snapchat|snap|instagram|insta|youtube|facebook|whatsapp|social\s+media|online|the\s+group\s+chat)|"
            r"(?:posted|shared|put|putting|posting|sharing|uploaded|uploading)\s+(?:it|them|that|those|videos?|photos?|pictures?|"
            r"pics|clips?)\s+(?:of\s+(?:him|her|them|[\w']+)\s+)?(?:up\s+)?on\s+(?:his|her|their|a)\s+(?:private\s+|close\s+friends\s+|snap\s+|insta\s+)?story"
        ),
        "image_sharing",
        0.8,
    ),
    # Bullying and harm between children.
    _Rule(
        _r(
            r"bull(?:y|ies|ied|ying)(?!\s+(?:week|policy|policies|ambassadors?|workshop|assembly|awareness|day|"
            r"campaign|lesson|charter|(?:the\s+|other\s+|junior\s+)?(?:staff|colleagues|teachers|parents)))"
        ),
        "bullying",
        0.7,
    ),
    _Rule(
        _r(
            r"(?:won'?t|will\s+not|don'?t|do\s+not|never)\s+let\s+(?:him|her|them|my\s+\w+)\s+(?:play|join|sit)|"
            r"frozen\s+out|slag(?:s|ging|ged)?\s+(?:her|him|them|my\s+\w+)\s+off|(?:group\s+chat|chat|page|account|video)\s+"
            r"(?:\w+\s+){0,3}?(?:just\s+)?to\s+(?:slag|mock|laugh\s+at|bully|rip\s+into|humiliate|embarrass)|"
            rf"call(?:s|ed|ing)?\s+{_CHILD}\s+(?:names|horrible|nasty|racist|fat|ugly|stupid)|"
            rf"(?:keeps?|kept|keep\s+on|keeps\s+on|always|constantly|still)\s+calling\s+{_CHILD}\s+(?:a|an|names|['\"])|"
            r"(?:being|been|gets|getting|got|is|was)\s+called\s+(?:\w+\s+)?(?:names|fat|ugly|stupid|thick|smelly|gay|"
            r"a\s+(?:freak|loser|weirdo|slag|tramp))|(?:being|been|gets|getting|got)\s+(?:pushed|shoved|hit|kicked|punched|"
            r"tripped|thumped|slapped|spat\s+on|jumped|battered)\s+(?:around|about|over|up|every|again|at\s+break|in\s+the)|"
            r"(?<!litter\s)(?<!litter-)pick(?:s|ed|ing)\s+on|gang(?:s|ed|ing)?\s+up|"
            r"(?:got|been|was|were|get|gets|getting)\s+(?:jumped|battered|beaten\s+up|set\s+upon|mugged|stabbed|glassed)"
            r"(?!\s+\d|\s+(?:in|at)\s+(?:the\s+)?(?:final|match|game|semis?|league|cup|football|rugby|netball|hockey))|left\s+out\s+(?:again|every|all)|beat(?:en)?\s+up|"
            r"racist\s+(?:abuse|comments|names|remarks|bullying)|homophobic|"
            r"(?:came|comes|coming)\s+home\s+(?:\w+\s+)?(?:upset|crying|in\s+tears|with\s+(?:bruises|a\s+black\s+eye|cuts|"
            r"scratches|marks))|(?:scared|afraid|frightened|terrified|doesn'?t\s+want|refuses|refusing)\s+to\s+(?:go\s+)?"
            r"(?:to\s+)?(?:school|come\s+in)"
        ),
        "bullying",
        0.7,
    ),
    # Coercion: "making a little lad from Willow eat mud", "made her hand over her dinner money".
    _Rule(
        _r(
            rf"(?:mak(?:e|es|ing)|made|forc(?:e|es|ed|ing))\s+{_CHILD}\s+(?:(?:from|in|of)\s+(?:\w+\s+){{1,2}}?)?"
            r"(?:eat|drink|lick|strip|kneel|hand\s+over|give\s+(?:them|up)|do\s+(?:their|his|her)\s+(?:dares?|bidding))"
        ),
        "bullying",
        0.85,
    ),
    _Rule(
        _r(
            r"(?:getting|get|gonna\s+get|going\s+to\s+get)\s+(?:merked|jumped|shanked|stabbed|battered|done\s+in|bodied|"
            r"rushed)|(?:gonna|going\s+to|will|'ll)\s+(?:merk|shank)\s+(?:him|her|them|you|that|the)|"
            r"(?:told|tells|telling|threaten(?:s|ed|ing)?|said|says|saying)\s+(?:\w+\s+){0,4}?(?:will|would|'ll|going\s+to|"
            r"gonna|to)\s+(?:\w+\s+){0,2}?(?:hurt|kill|beat|stab|batter|punch|smash|jump)\s+(?:\w+\s+)?"
            r"(?:her|him|them|you|me|my|us)"
        ),
        "bullying",
        0.8,
    ),
    # Adults behaving harmfully towards children.
    _Rule(
        _r(
            r"(?:shout\w*|scream\w*|swear\w*|yell\w*|swore)\s+(?:and\s+\w+\s+)?(?:at|in\s+front\s+of)\s+(?:the\s+|some\s+|"
            r"a\s+group\s+of\s+)?(?:children|kids|pupils|my\s+\w+|a\s+child|little\s+ones)|restrain\w*\s+(?:\w+\s+)?"
            r"(?:child|children|kids|pupils|my\s+\w+)"
        ),
        "adult_harm",
        0.75,
    ),
    # Adults in charge of children while drunk or high.
    _Rule(
        _r(
            r"(?:drunk|hammered|pissed|stoned|(?:is|was|were|are|got|seemed|looked|been|being|turned\s+up|came\s+in)\s+"
            r"(?:(?:completely|clearly|obviously|totally|absolutely|proper|well|always|still|off\s+(?:his|her)\s+face\s+and)\s+)?high|smell(?:ed|s|t)?\s+of\s+(?:alcohol|booze|drink|weed))"
            r"(?!\s+(?:it|them|home|up|off|five|fives|school|achiever|achievers|standards?|quality|vis|st|street|road|rd|"
            r"expectations|hopes|chair|heels|jump|temperature))[^.!?\n]{0,60}?"
            r"(?:trip|kids|children|pupils|class|minibus|pick-?\s?up|school\s+run)|(?:trip|minibus|class|pick-?\s?up|"
            r"school\s+run)[^.!?\n]{0,60}?(?:drunk|hammered|stoned)(?![a-z])"
        ),
        "adult_harm",
        0.75,
    ),
    # Forced marriage and FGM.
    _Rule(
        _r(
            r"forced\s+(?:to\s+)?marr(?:y|iage|ied)|(?:to\s+be|get|getting|being)\s+married\s+(?:off|abroad|against)|"
            r"(?:taken|sent|going|flown|shipped)\s+(?:back\s+)?(?:home|abroad|away|overseas)\s+(?:\w+\s+){0,5}?"
            r"(?:to\s+(?:be\s+|get\s+)?married|for\s+(?:a|her|his)\s+(?:wedding|marriage)|to\s+be\s+cut)|"
            r"married\s+off|fgm|female\s+genital|(?:be|being|get|getting)\s+cut\s+(?:abroad|over\s+the\s+summer|"
            r"in\s+the\s+holidays)"
        ),
        "forced_marriage",
        0.9,
    ),
    # Strangers, vehicles and photography around children.
    _Rule(
        _r(
            r"(?:man|men|woman|women|someone|somebody|stranger|strangers|people|person|guy|bloke|fella|fellow|van|car|driver)\s+"
            r"(?:\w+\s+){0,5}?(?:taking\s+(?:photos?|pictures?|pics|videos?)|filming|photographing|watching|"
            r"hang(?:ing|in'?|s)?\s+(?:around|about|round)|"
            r"loitering|lurking|parked|parking|parks|waiting\s+outside|following|talks?\s+to|talking\s+to|approach\w*|"
            r"offering)\s+(?:\w+\s+){0,4}?(?:gates?|school|playground|kids|children|pupils|home\s+time|pick-?\s?up|"
            r"drop-?\s?off|girls|boys|outside|lasses|lads|bairns|kiddies|little\s+ones|students|field|yard)|"
            # Talking to children through the fence, not a visitor talking to a class.
            r"(?:man|woman|stranger|guy|bloke|fella|someone|somebody)\s+(?:\w+\s+){0,8}?(?:chat|talk)(?:ting|tin'?|ing|s)?\s+"
            r"(?:to|with)\s+(?:the\s+)?(?:kids|children|pupils|girls|boys)\s+(?:through|over)\s+(?:the\s+|a\s+)?(?:fence|"
            r"railings?|gates?|it|hedge|wall)"
        ),
        "stranger",
        0.8,
    ),
    _Rule(
        _r(
            r"(?:taking|took|takes)\s+(?:photos?|pictures?|pics|videos?)\s+of\s+(?:the\s+|our\s+|other\s+people'?s\s+)?"
            r"(?:kids|children|pupils|girls|boys|lasses|bairns|little\s+ones)|filming\s+(?:the\s+)?(?:kids|children|pupils|girls|"
            r"boys|lasses|bairns)"
        ),
        "stranger",
        0.6,
    ),
    # Signs of criminal exploitation: new things or cash nobody can account for, lifts from older lads.
    _Rule(
        _r(
            r"(?:won'?t|will\s+not|wont|doesn'?t|does\s+not|refuses\s+to|refused\s+to)\s+(?:say|tell\s+(?:me|us|anyone))\s+"
            r"where\s+(?:(?:it|they|the\s+\w+|(?:it|they|the\s+\w+)\s+(?:came|come|comes))\s+from|from|"
            r"(?:he|she|they)\s+(?:got|gets|is\s+getting|are\s+getting|has\s+been\s+getting)\s+(?:it|them|the\s+\w+))|"
            r"(?:getting|gettin'?|gerrin'?|taking|accepting|got|gets)\s+lifts?\s+(?:off|from|with)\s+(?:\w+\s+)?"
            r"(?:older|grown|adult)\s+(?:lads|men|boys|guys|blokes|man|bloke|kids)"
        ),
        "substances_weapons",
        0.7,
    ),
    # Adults putting children in danger: a drink-driven minibus; threats of violence against a child.
    _Rule(
        _r(
            r"(?:drinking|drunk|drank|had\s+(?:a\s+)?(?:drink|few\s+drinks|cans)|over\s+the\s+limit|(?:smelling|stinking|"
            r"reeking)\s+of\s+(?:drink|booze|alcohol))[^.!?\n]{0,50}?(?:driving|drove|drive)\s+(?:\w+\s+)?(?:minibus|coach|"
            r"school\s+bus|kids|children|pupils|team)|(?:driving|drove|drives)\s+(?:the\s+)?(?:\w+\s+)?(?:minibus|coach)"
            r"[^.!?\n]{0,50}?(?:drunk|drinking|over\s+the\s+limit|pissed|cans\s+of)|"
            r"(?:i'?ll|i\s+will|i'?m\s+(?:gonna|going\s+to)|gonna|going\s+to)\s+(?:smash|batter|kill|hurt|deck|punch|slap|"
            r"leather|knock|kick|lamp|twat|strangle|throttle)\s+(?:that|the|this|your|ur|yer)\s+(?:[a-z'-]+\s+)?"
            r"(?:kid|child|boy|girl|brat)(?![a-z])(?!\s+of\s+(?:mine|ours))"
        ),
        "adult_harm",
        0.8,
    ),
    # A child's known condition ignored: "she's diabetic and the dinner lady gave her a pudding".
    _Rule(
        _r(
            r"(?:diabetic|diabetes|allergic|allergy|allergies|coeliac|celiac|epileptic|anaphyla\w*)(?![a-z])[^.!?\n]{0,80}?"
            r"(?:gave|given|giving|gives|fed|feeding|served|let\s+(?:him|her|them)\s+(?:eat|have))\s+(?:him|her|them|"
            r"my\s+\w+|our\s+\w+)[^.!?\n]{0,30}?(?:pudding|sweets?|chocolate|cake|nuts?|peanuts?|biscuits?|sugar\w*|milk|"
            r"dairy|gluten|bread|wheat|eggs?|the\s+wrong|again|anyway|even\s+though|after\s+(?:i|we))"
        ),
        "medical",
        0.7,
    ),
    # Medical danger.
    _Rule(
        _r(
            r"allerg\w*[^.!?\n]{0,80}?(?:given|gave|fed|ate|eaten|served|eating|had)\s+(?:\w+\s+){0,5}?(?:nuts?|peanuts?|"
            r"almonds?|cashews?|hazelnuts?|walnuts?|pecans?|pistachios?|gluten|dairy|milk|eggs?|sesame|shellfish|fish|wheat|"
            r"soya|kiwi)|(?:given|gave|fed|served)\s+(?:\w+\s+){0,3}?"
            r"(?:nuts?|peanuts?|gluten|dairy|milk|eggs?|sesame|shellfish)[^.!?\n]{0,60}?allerg\w*|anaphyla\w*|epi-?pen|"
            r"allerg\w*[^.!?\n]{0,80}?(?:no\s+labels?|not\s+labell?ed|unlabell?ed|(?:halfway|half\s+way)\s+to\s+(?:his|her|"
            r"their)\s+mouth|nearly\s+(?:ate|had|eaten|swallowed))"
        ),
        "medical",
        0.85,
    ),
    _Rule(
        _r(
            r"(?:asthma|inhaler|seizures?|epilep\w*|diabet\w*|insulin|medication|medicine)\s+(?:\w+\s+){0,4}?(?:not\s+given|"
            r"wasn'?t\s+given|never\s+given|ignored|forgot|forgotten|missing|lost|refused|withheld|(?:was|were|got)\s+left\s+"
            r"(?:in|at|on|behind)|left\s+behind)|"
            r"(?:banged|hit|bumped)\s+(?:his|her|their)\s+head[^.!?\n]{0,60}?(?:nobody|no\s+one|not\s+told|wasn'?t\s+told|"
            r"didn'?t\s+tell)|collapsed|unconscious|passed\s+out|stopped\s+breathing"
        ),
        "medical",
        0.75,
    ),
    # Court orders, contact restrictions and consent.
    _Rule(
        _r(
            r"court\s+orders?|injunction|non-?\s?molestation|restraining\s+order|child\s+arrangements?\s+order|"
            r"prohibited\s+steps|(?:not|isn'?t|is\s+not|aren'?t|are\s+not|isnt)\s+(?:allowed|supposed)\s+(?:to\s+)?(?:collect|pick\s+"
            r"(?:him|her|them)\s+up|pick\s+up|see|contact|near|have\s+contact|know\s+where)|no\s+contact\s+with"
        ),
        "court_order",
        0.9,
    ),
    _Rule(
        _r(
            r"(?:doesn'?t|does\s+not|don'?t|do\s+not|didn'?t|did\s+not|never|won'?t)\s+(?:give\s+(?:my\s+)?|gave\s+(?:my\s+)?)?"
            r"(?:consent|permission)|withdr[ae]w\w*\s+(?:my\s+|our\s+|his\s+|her\s+|the\s+)?(?:photo\s+|image\s+|name\s+)?"
            r"(?:consent|permission)|(?:consent|permission)\s+(?:was\s+|has\s+been\s+|had\s+been\s+|is\s+)?(?:withdrawn|refused|"
            r"revoked|not\s+given|never\s+given)|"
            r"(?:his|her|their|my\s+\w+'?s?|our\s+\w+'?s?)\s+(?:face|photo|picture|name)\s+(?:is|was|has\s+been|are)\s+"
            r"(?:\w+\s+)?(?:all\s+over|on|in|splashed\s+across)\s+(?:the\s+)?(?:new\s+)?(?:prospectus|website|newsletter|"
            r"page|facebook|instagram|leaflet|banner|brochure|poster)(?=[^.!?\n]{0,80}?(?:said\s+no|no\s+consent|"
            r"without\s+(?:my\s+|our\s+)?(?:consent|permission)|not\s+allowed|opted\s+out))|"
            r"(?:said\s+no|opted\s+(?:him|her|them)?\s*out|no\s+consent)[^.!?\n]{0,60}?(?:face|photo|picture|image)\s+"
            r"(?:\w+\s+){0,2}?(?:all\s+over|on|in)\s+(?:the\s+)?(?:new\s+)?(?:prospectus|website|newsletter|page|facebook|"
            r"instagram|leaflet|banner|brochure|poster)|"
            r"(?:take|took|remove|delete|taken)\s+(?:down\s+)?(?:that|the|this|my\s+\w+'?s?|our\s+\w+'?s?)\s+(?:\w+\s+)?(?:photo|picture|"
            r"image|video|post)(?:\s+(?:down|off))?|shouldn'?t\s+be\s+(?:in|on)\s+(?:any\s+)?(?:photos?|pictures?|"
            r"social\s+media|the\s+internet|facebook|online)|(?:must|mustn'?t|can'?t|cannot|shouldn'?t|should\s+not)\s+"
            r"(?:\w+\s+){0,2}(?:be\s+)?(?:photographed|posted|shown\s+online|identified|named\s+online)"
        ),
        "consent",
        0.8,
    ),
    _Rule(
        _r(
            r"(?:in\s+)?(?:hiding\s+from|a\s+refuge|witness\s+protection)|(?:get|getting|got|run|ran|running|moved|move)\s+"
            r"(?:\w+\s+){0,2}?away\s+from\s+(?:their|his|her|my|our|the\s+kids'?)\s+(?:dad|father|mum|mother|ex|partner|family)|(?:fled|fleeing)\s+(?:from\s+)?(?:\w+\s+){0,2}"
            r"(?:abuse|violence|ex|partner|dad|father|home)|social\s+(?:worker|services)|child\s+protection\s+(?:plan|"
            r"case|conference)|cp\s+plan|lado|child\s+in\s+need|looked\s+after\s+child|foster\s+care|(?:is|was|were|are|been|being|got)\s+adopted|"
            r"adopted\s+(?:son|daughter|child|children|kids?|boy|girl)|adoption|adoptive"
        ),
        "court_order",
        0.6,
    ),
    _Rule(
        _r(
            r"domestic\s+(?:violence|abuse)|wife[\s-]?beat\w*|(?:dad|father|mum|mother|step-?dad|partner|boyfriend|ex)\s+(?:\w+\s+){0,2}?"
            r"(?:is|was|gets|got)\s+(?:violent|dangerous|abusive|aggressive)|police\s+(?:were\s+|was\s+|have\s+been\s+)?"
            r"(?:called|came|round)\s+(?:to\s+|there\s+|at\s+)?(?:the\s+house|their\s+house|theirs|again)|"
            # "her dad knocks her mum about": violence at a pupil's home.
            r"(?:knocks?|knocked|knocking|beats?|beating|slaps?|slapping|batters?|battering|hits?|hitting)\s+"
            r"(?:his|her|their|the\s+kids'?|the)\s+(?:mum|mom|mam|mother|wife|missus|partner|girlfriend)"
            r"(?:\s+(?:about|around|black\s+and\s+blue|senseless)|(?!\s+(?:at|in|to|on)\s)(?![\s-]+(?:up|down)\b)(?!['’]s))"
        ),
        "domestic_abuse",
        0.8,
    ),
    # Missing children.
    _Rule(
        _r(
            r"lost\s+(?:my|a|our|the)\s+(?:\w+\s+)?(?:son|daughter|child|kid|pupil|boy|girl)(?!'s|s)|"
            r"(?:didn'?t|did\s+not|never|hasn'?t|has\s+not|haven'?t|have\s+not|not)\s+(?:come|came|been|gone)\s+"
            r"(?:back\s+)?home(?!\s+(?:with|till|until|before|in\s+time|yet\s+from\s+work))|(?:nobody|no\s+one|no-one)\s+(?:knows|can\s+tell\s+me|can\s+say|will\s+tell\s+me|is\s+telling\s+me)\s+"
            r"where\s+(?:he|she|they|my\s+\w+)\s+(?:is|are|went)|(?:didn'?t|did\s+not|never)\s+come\s+out\s+(?:at|of|from)\s+"
            r"(?:home\s+time|school|class|the\s+classroom|pick\s*-?\s*up)|(?:went|gone|is|was)\s+"
            r"missing|been\s+missing(?!\s+(?:school|lessons?|class(?:es)?|out|days\s+of|(?:his|her|their|my|the|a|an|some|all|any)\s))|"
            r"missing\s+(?:child|pupil|girl|boy)|(?:couldn'?t|could\s+not|can'?t|cannot)\s+find\s+(?:him|her|them|my\s+"
            r"(?:son|daughter|child|kid))|wander(?:ed|s)\s+off|ran\s+off|escaped\s+(?:from\s+)?(?:school|the\s+playground)|"
            r"got\s+out\s+of\s+(?:school|the\s+gates?)|let\s+(?:him|her|them)\s+(?:walk|go)\s+home\s+(?:alone|on\s+(?:his|her|"
            r"their)\s+own)|"
            # A child not seen for days, and nobody checking: "nobody's answering the door at theirs".
            r"(?:nobody|no\s+one|no-one)(?:'s|\s+is|\s+has\s+been)?\s+answer(?:ing|s|ed)?\s+the\s+door\s+(?:at\s+)?(?:theirs|"
            r"(?:their|his|her)\s+(?:house|place|flat|home)|the\s+house)|"
            r"(?:is\s+)?(?:any\s*one|any\s*body|someone|somebody)\s+(?:checking|checked|going\s+to\s+check)\s+(?:on|up\s+on)\s+"
            r"(?:him|her|them|the\s+kids|those\s+kids)"
        ),
        "missing_child",
        0.85,
    ),
    # Drugs, weapons and criminal exploitation.
    _Rule(
        _r(
            r"county\s+lines|criminal\s+exploitation|(?:in|joined|recruited\s+(?:by|into))\s+(?:a\s+)?gangs?|"
            r"(?:bring|brought|brings|bringing|carrying|carries|carry|has|had|pulled|pulling|showed)\s+(?:a\s+)?"
            r"(?:knife|knives|blade|machete|weapon|gun)(?!\s+crime\s+(?:talk|workshop|awareness))"
        ),
        "substances_weapons",
        0.8,
    ),
    _Rule(
        _r(
            r"(?:vap(?:e|es|ing)|drugs|weed|cannabis|spice|ketamine|nitrous|laughing\s+gas|alcohol|cigarettes?|smoking|"
            r"edibles)(?![a-z])[^.!?\n]{0,60}?(?:toilets|playground|school|year\s*\d+s?|year\s+(?:seven|eight|nine|ten|eleven)s?|kids|children|pupils|selling|sold|gates?|"
            r"field|bus|bike\s+sheds?|sports\s+hall|little\s+ones|younger\s+(?:ones|kids))|(?:dealing|supplying)\s+(?:\w+\s+){0,3}?(?:to\s+)?(?:year\s*\d+s?|kids|children|pupils|younger)|"
            r"(?:deals?|dealing|dealt|supplies|supplying|pushing)\s+(?:\w+\s+)?(?:weed|drugs|cannabis|coke|cocaine|ketamine|pills|"
            r"spice|edibles)"
        ),
        "substances_weapons",
        0.7,
    ),
    # Sexual harm.
    _Rule(
        _r(
            r"touch(?:ed|ing|es)\s+(?:\w+\s+){0,2}?(?:inappropriately|private|privates|bottom|chest|down\s+there)|"
            r"inappropriate(?:ly)?\s+touch\w*|sexual(?:ly)?\s+(?:abus\w*|assault\w*|touch\w*|harass\w*)|rap(?:e|ed|ist)|"
            r"molest\w*|flash(?:ed|ing|er)|touch(?:es|ed|ing)\s+(?:him|her|them|me)(?![a-z])(?!\s+on\s+the\s+(?:shoulder|arm|back))|"
            r"(?:child|sexual|physical|emotional)\s+abuse|abuse\s+at\s+home|(?:being|been|was|were)\s+abused|expos(?:ed|ing)\s+(?:him|her)self|perverts?|pervs?|paedo\w*|pedo\w*|nonces?|"
            r"watch(?:es|ed|ing)\s+(?:the\s+)?(?:girls|boys|kids|children)|(?:camera|filming|filmed|films|recording|recorded|"
            r"videoing|videoed|photographing|photographed|phone|watch\w*)[^.!?\n]{0,50}?(?:changing\s+(?:rooms?|block|area|"
            r"cubicles?)|(?:in|into)\s+the\s+(?:toilets|loos|showers|cubicles?))"
        ),
        "sexual_harm",
        0.85,
    ),
    # Adults where children undress, and staff alone with a pupil: "get changed while male staff walk in and
    # out", "a TA took a pupil home in her own car".
    _Rule(
        _r(
            r"(?:get|gets|getting|got)\s+changed\s+(?:\w+\s+){0,3}?(?:while|when|with|in\s+front\s+of)\s+(?:the\s+)?"
            r"(?:male|men|man|grown)\s*(?:staff|teachers?|adults?|members|coach(?:es)?)?|"
            r"(?:take|took|takes|taking|drove|drive|drives|driving|give|gave|giving)\s+(?:a\s+|the\s+|one\s+of\s+the\s+)?"
            r"(?:pupil|child|student|kid|girl|boy|lad|lass)\s+(?:home\s+)?(?:in|a\s+lift\s+in)\s+(?:his|her|their)\s+"
            r"own\s+car"
        ),
        "adult_harm",
        0.7,
    ),
    # Signs a child is not safe, described without naming them: off for weeks and the house shut up,
    # crying every morning and not saying why, scared to walk home.
    _Rule(
        _r(
            r"(?:nobody|no\s+one|no-one)(?:'s|\s+has|\s+have)?\s+(?:seen|heard\s+from)\s+(?:her|his|their|the)\s+"
            r"(?:mam|mum|mom|dad|mother|father|parents?|family|carers?)|(?:curtains|blinds)\s+(?:\w+\s+)?(?:shut|closed|drawn)\s+"
            r"(?:all\s+day|for\s+days|all\s+week|for\s+(?:a\s+)?weeks?|day\s+and\s+night)|"
            r"(?:hasn'?t|has\s+not|haven'?t|have\s+not|not)\s+been\s+(?:seen|in\s+school|at\s+school|in)\s+(?:for|in)\s+"
            r"(?:\w+\s+)?(?:weeks|a\s+month|months)"
        ),
        "abuse_neglect",
        0.7,
    ),
    _Rule(
        _r(
            r"(?:crying|cries|cried|sobbing|in\s+tears|skriking|greetin[g']?|upset|withdrawn|shaking|wetting\s+the\s+bed)"
            r"[^.!?\n]{0,80}?(?:won'?t|will\s+not|doesn'?t|does\s+not|wouldn'?t|refuses\s+to|can'?t)\s+"
            r"(?:say|tell\s+(?:me|us|anyone|anybody)|talk\s+about\s+it|explain)(?:\s+(?:why|what'?s?\s+(?:wrong|happened|up|"
            r"going\s+on)|who))?|"
            r"(?:terrified|scared|frightened|petrified|too\s+scared|afraid)\s+to\s+(?:walk\s+home|go\s+(?:in|into\s+school|to\s+"
            r"school|out|outside|home)|come\s+(?:in|to\s+school)|leave\s+the\s+house|get\s+the\s+bus)"
        ),
        "concern",
        0.7,
    ),
    # Threats made to a child: "they keep telling my son they'll do him after school".
    _Rule(
        _r(
            r"(?:telling|told|tells|threaten(?:ing|ed|s)?|saying\s+to|said\s+to|messag(?:ing|ed|es))\s+(?:my\s+\w+|him|her|"
            r"them|our\s+\w+)\s+(?:that\s+)?(?:they'?(?:ll|re\s+going\s+to|re\s+gonna)|he'?(?:ll|s\s+going\s+to|s\s+gonna)|"
            r"she'?(?:ll|s\s+going\s+to|s\s+gonna)|(?:they|he|she)\s+(?:will|are\s+going\s+to|is\s+going\s+to))\s+"
            r"['\"]?(?:do|get|batter|jump|stab|kill|beat|smash|deck|knock|hurt|cut|shank|bang)['\"]?\s+(?:him|her|them)['\"]?"
            r"(?!\s+(?:a|an|some|the|one|up|home|to|into|from|tea|dinner|lunch|breakfast|tickets?|something|anything)(?![a-z]))"
        ),
        "bullying",
        0.8,
    ),
    # Staff punishing beyond what is safe: "made year 6 run laps in the sleet till a boy was sick".
    _Rule(
        _r(
            r"made\s+(?:\w+\s+){1,4}?(?:run|stand|sit|stay|kneel|do|hold|carry|walk)\s+[^.!?\n]{0,60}?(?:till|until|til)\s+"
            r"(?:\w+\s+){1,3}?(?:was|were|got)\s+(?:sick|crying|in\s+tears|wet|soaked|frozen|shaking|ill|faint)|"
            r"made\s+(?:\w+\s+){1,4}?(?:stand|sit|wait|stay)\s+(?:outside|out)\s+(?:in\s+the\s+)?(?:rain|snow|sleet|cold|freezing)"
        ),
        "adult_harm",
        0.75,
    ),
    # A child hurt and the school keeping it quiet.
    _Rule(
        _r(
            r"(?:covered|covering|hushed|hushing|swept|sweeping|kept|keeping)\s+up\s+(?:the|an?|that|this)\s+(?:\w+\s+){0,3}?"
            r"(?:assault|attack|injury|injuries|abuse|accident|stabbing|fight|broken\s+\w+)|"
            r"(?:covered|covering|hushed|hushing)\s+up\s+(?:a|the|that)\s+(?:lad|girl|boy|child|kid|pupil|student)\s+"
            r"(?:breaking|getting|being)|(?:covered|covering|hushed|hushing)\s+up\s+(?:what\s+happened\s+to|the\s+bullying\s+of)"
        ),
        "concern",
        0.7,
    ),
    # Children near danger with nobody watching, and a medical emergency at school or on a trip.
    _Rule(
        _r(
            r"nearly\s+(?:went|fell|slipped|drowned|got\s+(?:hit|run\s+over|swept|washed))\s+(?:over|off|in|under|into|away)?"
            r"[^.!?\n]{0,80}?(?:no|not\s+a|without\s+a(?:ny)?)\s+(?:teacher|member\s+of\s+staff|staff|adult|grown-?up)s?|"
            r"(?:no|not\s+a\s+single)\s+(?:teacher|member\s+of\s+staff|staff|adult|grown-?up)s?\s+(?:anywhere\s+)?"
            r"(?:near|around|about|watching|supervising|in\s+sight)(?:\s+(?:them|him|her|the\s+kids))?"
        ),
        "missing_child",
        0.7,
    ),
    _Rule(
        _r(
            r"asthma\s+attack|allergic\s+reaction|(?:had|having|has|took)\s+(?:a|another)\s+(?:fit|seizure)|"
            r"(?:couldn'?t|could\s+not|can'?t|cannot)\s+(?:breathe|get\s+(?:his|her|their)\s+breath)|"
            r"(?:went|turned|going)\s+(?:blue|limp|grey)|nearly\s+(?:drowned|choked)"
        ),
        "medical",
        0.7,
    ),
    # Someone says they are worried.
    _Rule(
        _r(
            r"(?:safeguarding|child\s+protection)\s+(?:worry|worries|concerns?|issues?|matters?|problems?|disclosure|"
            r"referral)|(?:don'?t|do\s+not)\s+want\s+to\s+(?:put|post|write)\s+(?:it|this|that|the\s+details)\s+(?:on\s+here|"
            r"here|online|publicly|on\s+facebook)|"
            r"(?:who(?:'s|\s+is)|who\s+do\s+i\s+(?:tell|contact|speak\s+to)|contact|speak\s+to|talk\s+to)\s+(?:the\s+)?"
            r"(?:dsl|designated\s+safeguarding\s+lead|safeguarding\s+lead)|"
            r"(?:safeguarding\s+lead|dsl)[^.!?\n]{0,60}?[.!?]?\s*(?<![a-z])(?:i|we)\s+(?:need|want|have)\s+to\s+(?:speak|talk)|"
            r"(?:need|needs|have)\s+to\s+(?:speak|talk)\s+to\s+(?:someone|somebody)\s+(?:today\s+)?(?:urgently|asap|in\s+confidence|"
            r"privately)|need\s+to\s+report\s+(?:something|a\s+concern|"
            r"what\s+(?:i|my\s+\w+)\s+(?:saw|heard|was\s+told))|"
            r"(?:worried|concerned|worry)\s+(?:about|for)\s+(?:the\s+)?(?:safety|welfare|wellbeing|well-being)|"
            r"(?:worried|concerned|worry|worrying)\s+about\s+(?:what'?s|what\s+is|things|stuff)\s+(?:\w+\s+)?(?:going\s+on|"
            r"happening)\s+(?:at|in)\s+(?:(?:a|the|that|this|one)\s+)?(?:\w+'s\s+|his\s+|her\s+|their\s+)?home|"
            r"(?:don'?t|do\s+not|can'?t|cannot|won'?t)\s+(?:want\s+to\s+)?say\s+(?:any\s+)?(?:more|much|too\s+much)\s+"
            r"(?:on\s+here|here|publicly|online|on\s+facebook)|"
            r"(?:worried|concerned)\s+(?:about|for)\s+(?:a|this|that|one|my|her|his)\s+(?:\w+\s+)?(?:child|pupil|girl|boy|friend|"
            r"son|daughter)|(?:at\s+risk|not\s+safe|unsafe|in\s+danger)(?!\s+of\s+(?:missing|losing|being\s+late))|"
            r"(?:friends|we|i|everyone|teachers)(?:\s+(?:are|am|is)\s+|'re\s+|'m\s+)(?:really\s+|so\s+|very\s+)?(?:worried|concerned)|"
            r"(?:told|telling|tells)\s+(?:me|us)\s+(?:something|things)\s+(?:about|that)|"
            # "Something my daughter told me last night about a girl in her form": a child passing on a worry.
            r"(?:something|what|things?)\s+(?:my\s+(?:son|daughter|child|kid|boy|girl|lad)|she|he)\s+(?:told|has\s+told|said\s+to)\s+"
            r"(?:me|us)\s+(?:\w+\s+){0,3}?about\s+(?:a|another|one\s+of\s+the|her|his)\s+(?:\w+\s+)?(?:girl|boy|child|kid|pupil|"
            r"lad|friend|classmate)"
        ),
        "concern",
        0.6,
    ),
)

_EXPLANATIONS = {
    "harm": "possible physical harm to a child",
    "abuse_neglect": "possible abuse or neglect of a child",
    "self_harm": "possible self-harm or suicidal risk",
    "grooming": "possible grooming or online exploitation",
    "sexual_images": "sharing or requesting of intimate images",
    "image_sharing": "images of a child shared without consent",
    "bullying": "bullying or harm between children",
    "adult_harm": "adult behaving harmfully towards children",
    "stranger": "stranger, vehicle or photography near children",
    "medical": "medical danger to a child",
    "court_order": "court order, contact restriction or protected child",
    "consent": "consent withdrawn for a child's image or details",
    "domestic_abuse": "possible domestic abuse",
    "missing_child": "child missing or unsupervised",
    "substances_weapons": "drugs, weapons or criminal exploitation",
    "sexual_harm": "possible sexual harm",
    "forced_marriage": "possible forced marriage or FGM",
    "concern": "safeguarding concern raised",
}

# Awareness and curriculum mentions ("anti-bullying week", "online safety day") are not disclosures.
_AWARENESS_AFTER = re.compile(
    r"\s*(?:week|policy|policies|awareness|day|assembly|assemblies|workshop|talk|lesson|lessons|ambassadors?|education|"
    r"prevention|campaign|training|course|leaflet|information|certificate|lead|team)(?![a-z])"
)
# A lost thing, not a lost child: "the letter never came home", "his reading book has gone missing".
_THING_BEFORE = re.compile(
    r"(?<![a-z])(?:letters?|books?|bags?|coats?|jumpers?|cardigans?|blazers?|bottles?|forms?|slips?|parcels?|post|emails?|"
    r"homework|shoes?|trainers|kit|hats?|gloves?|lunch\s*box(?:es)?|money|phones?|tablets?|ipads?|keyrings?|toys?|"
    r"teddy|reports?|certificates?|photos?|uniform|glasses|scarf|wellies|package|"
    r"cat|dog|tortoise|hamster|rabbit)\s+(?:has\s+|have\s+|had\s+|is\s+|was\s+)?(?:\w+\s+)?$"
)
# Bounded on the left: "son " ends in "on ", and "my son didn't come home" is no curriculum mention.
_PLATFORM = re.compile(
    r"(?:tiktok|snapchat|snap|instagram|insta|facebook|whatsapp|discord|roblox|fortnite|minecraft|youtube|"
    r"twitter|x|xbox|playstation|online)(?![a-z])"
)
_AWARENESS_BEFORE = re.compile(
    r"(?<![a-z])(?:anti-?|about\s+|on\s+|against\s+|awareness\s+of\s+|covers?\s+|covering\s+|will\s+cover\s+)$"
)
# Someone talking about it is a disclosure, not a lesson: "she keeps posting about wanting to disappear".
_SPEAKING_BEFORE = re.compile(
    r"(?<![a-z])(?:posting|posts|posted|talking|talks|talked|going\s+on|saying\s+things|writing|wrote|messaging|"
    r"texting|joking|jokes|joked|keeps?\s+on)\s+about\s+$"
)
# Words that mark a whole phrase as curriculum ("drugs awareness workshop for year 6 parents").
_AWARENESS_INSIDE = re.compile(
    r"(?<![a-z])(?:awareness|workshop|education|campaign|prevention|documentary|article|"
    # A news story, not someone's own story on Snapchat or Instagram.
    r"(?<!his\s)(?<!her\s)(?<!their\s)(?<!private\s)(?<!snap\s)(?<!insta\s)(?<!friends\s)(?:story|stories))(?![a-z])"
)


# Doubt about the story a child was told to tell: "said it was from PE but I don't believe him".
_EXPLAINED_AWAY = re.compile(
    r"(?<![a-z])(?:says?|said|claims?|claimed|reckons?|told\s+(?:me|us)|supposedly|apparently|allegedly|believe|doubt|"
    r"not\s+sure|again|keeps?|always|every\s+(?:week|day|time)|another)(?![a-z])"
)


def _vetoed(unless: re.Pattern[str], sentence: str) -> bool:
    return unless.search(sentence) is not None and _EXPLAINED_AWAY.search(sentence) is None


def _sentence(text: str, start: int) -> str:
    """The sentence (or line) in which a match starts."""
    for first, last in sentences(text):
        if first <= start < last:
            return text[first:last]
    return text


class SafeguardingClassifier:
    """SAFEGUARDING for disclosures and concerns: abuse and neglect, self-harm, grooming and image sharing,
    bullying, adults harming children, strangers at the gates, medical danger, court orders, withdrawn
    consent, missing children, drugs and weapons. Recall matters more than precision: the DSL would rather
    dismiss a false alarm than miss a disclosure, so every rule fires on its own and ``("kind", ...)`` says
    which."""

    name: ClassVar[str] = "safeguarding_rules"
    version: ClassVar[str] = "safeguarding_rules-1.0"

    def load(self) -> None:
        """Nothing heavy to load: the rules are compiled at import."""

    def classify(self, text: str) -> list[Finding]:
        norm = normalise(text)
        lowered = norm.text.lower()
        hits: list[tuple[int, int, _Rule]] = []
        for rule in _RULES:
            for match in rule.pattern.finditer(lowered):
                start, end = match.span()
                if (
                    _AWARENESS_AFTER.match(lowered, end)
                    or (
                        _AWARENESS_BEFORE.search(lowered, max(0, start - 20), start)
                        and not _PLATFORM.match(lowered, start)  # "a dance on TikTok", not "a talk on drugs"
                        and not _SPEAKING_BEFORE.search(lowered, max(0, start - 40), start)
                    )
                    or _AWARENESS_INSIDE.search(lowered, start, min(len(lowered), end + 12))
                    or (
                        rule.kind == "missing_child"
                        and _THING_BEFORE.search(lowered, max(0, start - 40), start)
                    )
                    or (rule.unless is not None and _vetoed(rule.unless, _sentence(lowered, start)))
                ):
                    continue
                hits.append((start, end, rule))
        findings: list[Finding] = []
        covered: list[tuple[int, int]] = []
        for start, end, rule in sorted(hits, key=lambda h: (-h[2].score, h[0])):
            if any(c_start < end and start < c_end for c_start, c_end in covered):
                continue
            covered.append((start, end))
            o_start, o_end = norm.span(start, end)
            findings.append(
                Finding(
                    label=Label.SAFEGUARDING,
                    score=rule.score,
                    start=o_start,
                    end=o_end,
                    explanation=_EXPLANATIONS[rule.kind],
                    detector_version=self.version,
                    attributes=(("kind", rule.kind),),
                )
            )
        return sorted(findings, key=lambda f: f.start or 0)
