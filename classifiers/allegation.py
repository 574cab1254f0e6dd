"""Detects allegations of wrongdoing stated as fact about an identifiable person or the school."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from classifiers.base import Finding, Label
from classifiers.identity import PupilNameClassifier, StaffList, StaffNameClassifier
from classifiers.text import NormalisedText, normalise, sentences

#: The score of a subject with no wrongdoing word: far below any policy threshold, a hint for the trained head
#: (see ``combine.HeadDetector``), never shown on its own.
CANDIDATE_SCORE = 0.25

# What counts as wrongdoing. Each entry: (pattern, short description used in the explanation).
_CHILD_OBJECT = (
    r"(?:him|her|them|me|us|(?:a|the|my|our|his|her|their|one\s+of\s+the|that|this|some|two|three)\s+(?:\w+\s+)?"
    r"(?:child|children|kids?|pupils?|boys?|girls?|sons?|daughters?|students?|little\s+ones?|lad|lads|reception\s+kids))"
)
_PREDICATES: tuple[tuple[str, str], ...] = (
    (
        r"(?:stole|steals|stealing|nick(?:ed|ing|s)|pinch(?:ed|ing)|shoplift\w*|embezzl\w*|thieving|burgl\w*|"
        r"(?:breaks?|breaking|broke|broken)\s+into|robb(?:ed|ing)|mugg(?:ed|ing)|(?:sold|sells|selling|flogged|flogs)\s+"
        r"(?:it|them)\s+on)"
        r"(?!\s+(?:the|a)\s+show)(?!\s+(?:my|our|everyone'?s|the\s+audience'?s)\s+hearts?)"
        # "took my daughter's phone out of her bag"
        r"|(?:took|takes|taken|taking|swiped|lifted)\s+(?:my|our|his|her|their|[a-z]+'s)\s+(?:[a-z]+'s\s+)?(?:phone|purse|"
        r"wallet|money|cash|trainers|ipad|tablet|bike|watch|airpods|headphones|earrings?|necklace)\s+(?:out\s+of|from)",
        "theft",
    ),
    (
        r"thie(?:f|ves)|pick-?pockets?|shoplifters?|benefit\s+cheats?|fraudsters?|crooks?|con\s*(?:man|woman|artist)|scammers?",
        "dishonesty",
    ),
    (
        r"(?:took|taking|takes|taken|helping\s+(?:him|her|them)sel(?:f|ves)\s+to|helped\s+(?:him|her|them)sel(?:f|ves)\s+to|"
        r"skim\w*|siphon\w*|syphon\w*|pocket\w*)\s+(?:\w+\s+){0,3}?(?:from|out\s+of)\s+(?:the\s+)?(?:\w+\s+)?"
        r"(?:fund|funds|pta|charity|school|donations?|tills?|accounts?|budget|collection|kitty|trip\s+money|parents)",
        "theft",
    ),
    (
        r"help(?:s|ed|ing)\s+(?:him|her|them)sel(?:f|ves)\s+to\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:money|cash|funds?|takings|"
        r"donations|collection|kitty)|pocket(?:ed|ing|s)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:money|cash|donations|funds|lot|proceeds|"
        r"takings)|pocket(?:ed|ing|s)\s+(?:it|the\s+lot|the\s+difference|the\s+rest)(?![a-z])|"
        r"kept\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:money|cash|takings|donations|proceeds|float)|(?:benefit|tax|insurance|"
        r"expenses)\s+fraud|fake\s+(?:\w+\s+)?(?:tickets|sick\s+notes?|references|invoices|receipts|doctor'?s?\s+notes?)|"
        r"(?:gave|gives|giving|handed|awarded)\s+(?:the\s+)?(?:\w+\s+){0,2}?contracts?\s+to\s+(?:his|her|their)\s+(?:own|mates?|"
        r"friends?|wife|husband|brother|sister|son|daughter)|"
        # "took the funding meant for my son's 1:1": money diverted from what it was given for.
        r"(?:took|takes|taken|taking|used|uses|using|spent|spends|spending|divert(?:ed|s|ing)|moved)\s+(?:the\s+|his\s+|"
        r"her\s+|my\s+\w+'s\s+)?(?:\w+\s+){0,2}?(?:funding|money|funds|grant|budget|premium)\s+(?:that\s+(?:was|were)\s+)?"
        r"(?:meant|intended|earmarked|ring-?fenced|allocated|supposed\s+to\s+be)\s+for|fake\s+(?:charity|collection|fundraiser|raffle|appeal|sponsorship)|(?:spends?|spent|spending|uses?|used|"
        r"using)\s+(?:it|the\s+(?:\w+\s+){0,2}?(?:money|funds?|grant|budget|donations|premium))\s+on\s+(?:his|her|their|"
        r"the\s+head'?s|[a-z]+'s)(?=\s)|fiddl(?:ed|ing|es)\s+(?:\w+\s+){0,3}?(?:books|accounts|budgets?|funds|claims|timesheets|mileage|"
        r"money|figures|expenses|results|register|registers|attendance|grades|marks|benefits?|tax|insurance|dole|universal\s+credit|the\s+social|(?:sats|exams?|tests?|data)(?!\s+(?:results|data|figures|marks|grades)))|cook(?:ed|ing|s)\s+the\s+(?:\w+\s+)?(?:books|figures|numbers|data|results|registers?|attendance)|(?:results|figures|grades|marks|registers?|attendance|books|accounts|sats|data|numbers)\s+(?:were|was|have\s+been|has\s+been|got|get)\s+(?:fiddled|rigged|doctored|faked|cooked|massaged|falsified)|(?:let|lets|letting|showed|shows|gave|gives)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:see|look\s+at|have|a\s+look\s+at)\s+the\s+(?:exam\s+)?papers?\s+(?:\w+\s+){0,3}?(?:before|early|in\s+advance)|backhanders?|kickbacks?|brown\s+envelopes?|(?:commit(?:ted|ting)?|guilty\s+of)\s+fraud"
        r"|rigg(?:ed|ing|s)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:raffle|tombola|draw|vote|votes|election|ballot|results?|"
        r"competition|auction|tender|interviews?|selection)|(?:tak(?:es|ing|en)|took|nick(?:s|ed|ing)|pinch(?:es|ed|ing))\s+"
        r"(?:the\s+)?(?:school'?s|pta'?s|kids'?|children'?s|pupils'?)\s+(?:\w+\s+){0,2}?home"
        r"|defraud\w*|fraudulent|embezzlement|brib(?:ed|es|ing|ery)|(?:took|taking|takes|accepted|accepting|offered|paid|pays)\s+"
        r"(?:a\s+)?bribes?|(?:taking|takes|took|taken|getting|gets|got)\s+(?:\w+\s+)?(?:backhanders?|kickbacks?|bungs?)|launder\w*|forg(?:ed|ing|ery)|falsif\w*|(?:takes?|took|taking|taken)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
        r"(?:money|cash|takings|donations|float)\s+home|(?:sell(?:s|ing)?|sold|flogg(?:ed|ing)|flogs?)\s+(?:off\s+)?(?:the\s+)?"
        r"(?:school'?s|pta'?s|academy'?s|kids'?|children'?s|pupils'?)(?=\s)|(?:charity|fund|raffle|appeal|collection)\s+"
        r"(?:\w+\s+)?that\s+(?:doesn'?t|does\s+not|didn'?t|did\s+not|never)\s+exist|owes\s+(?:everyone|everybody|half\s+the)"
        # Exam malpractice: "writes half the Year 11 coursework herself".
        r"|(?:writes?|wrote|written|writing|does|did|doing|done)\s+(?:\w+\s+){0,5}?(?:coursework|nea|controlled\s+assessments?)"
        r"\s+(?:for\s+(?:them|the\s+kids|the\s+pupils|her\s+class|his\s+class)|herself|himself|themselves)"
        # "claims for coaching sessions he never runs"
        r"|(?:claims?|claimed|claiming|charges?|charged|charging|bills?|billed|billing)\s+(?:\w+\s+){0,2}?for\s+"
        r"(?:\w+\s+){0,3}?(?:he|she|they)\s+(?:never|didn'?t|did\s+not|doesn'?t|does\s+not)\s+(?:\w+\s+)?(?:runs?|ran|"
        r"run|did|does|do|work(?:ed|s)?|deliver(?:ed|s)?|teach(?:es)?|taught)(?![a-z])",
        "fraud",
    ),
    (
        r"(?:li(?:ed|es)|lying)(?!\s+(?:in|with|ahead|on|down|around|there|under|flat|awake|about\s+in))"
        r"|liars?|cover(?:ed|ing|s)?\s+(?:it|this|that|everything|things|the\s+\w+)?\s*up|cover-?ups?|hush(?:ed|ing)\s+(?:it\s+)?up"
        r"|swept\s+(?:it|this|that)\s+under|made\s+(?:it|that|the\s+\w+)\s+up|fabricat\w*|doctored|"
        r"made\s+(?:the|their|his|her|its|our)\s+(?:[\w-]+\s+){0,2}?(?:results|figures|grades|marks|reports?|story|"
        r"stories|allegations?|incident|evidence|data|statistics|stats|minutes|records?)\s+up(?![a-z])",
        "dishonesty",
    ),
    (
        r"(?:drunk|pissed|hammered|intoxicated|hungover|high|stoned|off\s+(?:his|her|their)\s+face)\s+(?:at|in|on|during|while|"
        r"when|for)\s+(?:work|school|the\s+job|duty|pick-?\s?up|drop-?\s?off|the\s+\w+)|(?:turned|turns|turning|showed|"
        r"shows|came|comes|rolled|rolls)\s+(?:up\s+|in\s+)?(?:\w+\s+){0,5}?(?:drunk|hammered|pissed|high|stoned|steaming|"
        r"paralytic|bladdered|legless|off\s+(?:his|her|their)\s+head|"
        r"off\s+(?:his|her|their)\s+face)(?![a-z])|(?:drinks?|drinking|drank)\s+"
        r"(?:at|in|on|during)\s+(?:work|school|the\s+job|the\s+trip)|(?:smell(?:s|ing|ed|t)?|stink(?:s|ing)?|stank|stunk|reek(?:s|ed|ing)?)\s+of\s+(?:alcohol|booze|drink|beer|wine|"
        r"vodka|gin|whisky|cider|lager|ale|spirits|weed|cannabis|skunk)|(?:drunk|pissed|hammered|stoned|high)\s+(?:and\s+)?in\s+charge"
        r"|(?:three\s+sheets\s+to\s+the\s+wind|half-?cut|worse\s+for\s+wear|sozzled|plastered|tipsy|bladdered|legless|"
        r"steaming|paralytic|rat-?arsed|trolleyed|smashed|wasted|tiddly|merry)\s+(?:\w+\s+){0,3}?(?:driving|drove|"
        r"behind\s+the\s+wheel|at\s+the\s+wheel|in\s+charge|at\s+work|on\s+duty|on\s+the\s+trip|at\s+(?:pick|drop)-?\s?(?:up|off))"
        # "comes back to teach half-cut"
        r"|(?:teach|teaches|teaching|taught|work|works|working|drive|drives|driving|drove)\s+(?:\w+\s+){0,3}?(?:half-?cut|drunk|"
        r"hammered|pissed|sozzled|plastered|tipsy|worse\s+for\s+wear|three\s+sheets\s+to\s+the\s+wind|stoned|high\s+as\s+a\s+kite)"
        r"|(?:on|takes?|taking|does|doing|deals?|dealing|sells?|selling)\s+(?:drugs|coke|cocaine|weed)|(?:smokes?|smoking|smoked)\s+(?:weed|cannabis|skunk|spliffs?|joints?)|alcoholic|druggie|junkie|(?:smack|crack|coke)-?heads?|(?:drug\s+)?dealer",
        "substance misuse at work",
    ),
    (
        r"(?:sell(?:s|ing)?|sold|flog(?:s|ging|ged)|charg(?:es|ing|ed)|suppl(?:ies|ying|ied)|deal(?:s|ing|t))\s+"
        r"(?:[\w£'-]+\s+){0,6}?(?:for\s+)?(?:disposable\s+)?(?:vapes?|drugs|weed|cannabis|coke|pills|cigarettes|fags|"
        r"booze|knives)|(?:sold|sells|selling|flogged|flogging)\s+(?:off\s+)?the\s+(?:raffle|tombola|auction|pta|"
        r"school|donated)\s+\w+|never\s+saw\s+a\s+penny|"
        # Driving offences, as events: "was caught drink driving", "drives the minibus without a licence".
        r"(?:caught|arrested|stopped|nicked|banned|convicted|done|pulled\s+over)\s+(?:for\s+)?(?:drink|drunk|drug)[\s-]?"
        r"driv(?:ing|e)|(?:drink|drunk)[\s-]?driv(?:ing|e)\s+(?:ban|conviction|charge)|(?:drove|drives|driving)\s+"
        r"(?:\w+\s+){0,3}?(?:drunk|over\s+the\s+limit|under\s+the\s+influence|without\s+(?:a\s+)?(?:licen[cs]e|insurance))|"
        r"(?:lost|losing)\s+(?:his|her|their)\s+(?:driving\s+)?licen[cs]e\s+for|"
        r"pull(?:ed|s|ing)\s+(?:a|his|her)\s+(?:knife|blade|machete)\s+on|"
        r"(?:torched|firebombed|set\s+fire\s+to|burnt\s+out|burned\s+out)\s+(?:the|them|those|his|her|their|a|some|that)\s+"
        r"(?:\w+\s+)?(?:cars?|vans?|house|shed|school|bins?|garage|flat|pavilion)|runs?\s+(?:the\s+)?county\s+lines|"
        r"(?:uses?|using|used)\s+(?:the\s+)?(?:\w+\s+)?(?:kids|children|pupils|year\s*\d+s?)\s+(?:as|to)\s+(?:runners|mules|"
        r"deal|carry)|leaves?\s+(?:him|her|them|the\s+kids)\s+(?:on\s+(?:his|her|their)\s+own|alone|home\s+alone)\s+for\s+"
        r"(?:days|hours|nights|the\s+weekend|a\s+week)",
        "crime",
    ),
    (
        # Dismissed for it: "were sacked from his last school for hittin a kid".
        r"(?:(?:was|were|got|been|being|is|has\s+been)\s+)?(?:sacked|suspended|fired|dismissed|struck\s+off|arrested|"
        r"charged|convicted|cautioned|done|investigated|let\s+go|pushed\s+out|kicked\s+out)\s+(?:\w+\s+){0,5}?for\s+"
        r"(?:hitting|hittin'?|hurting|smacking|slapping|punching|kicking|assaulting|abusing|grabbing|shoving|touching|"
        r"grooming)\s+" + _CHILD_OBJECT + r"|"
        r"scream(?:s|ed|ing)?\s+in\s+(?:the\s+)?(?:kids'?|children'?s|pupils'?|their|his|her|my\s+\w+'s)\s+faces?|"
        r"(?:hit|hits|hitting|smack(?:ed|s|ing)?|slap(?:ped|s|ping)?|punch(?:ed|es|ing)?|kick(?:ed|s|ing)?|grab(?:bed|s|bing)?|"
        r"shov(?:ed|es|ing)|shook|shak(?:es|ing)|hurt|hurts|hurting|assault(?:ed|s|ing)?|abus(?:ed|es|ing)|bull(?:y|ies|ied|ying)|"
        r"manhandl\w*|drag(?:ged|s|ging)|threw|throws?|screams?\s+at|scream(?:ed|ing)\s+at|swore\s+at|swears\s+at|"
        r"humiliat\w*|locked)\s+"
        + _CHILD_OBJECT
        + r"|lock(?:s|ed|ing)?\s+(?:kids|children|pupils|him|her|them|the\s+\w+)\s+in\s+(?:a|the)\s+(?:\w+\s+)?(?:cupboard|"
        r"room|cellar|shed|toilets?|store\s*room|office)"
        + r"|push(?:ed|es|ing)\s+"
        + _CHILD_OBJECT
        + r"\s+(?:over|into|against|down|out)|call(?:ed|s|ing)?\s+"
        + _CHILD_OBJECT
        + r"\s+(?:an?\s+)?(?:stupid|thick|useless|lazy|fat|idiot|pathetic|waste\s+of\s+space|"
        r"(?:racist\s+|horrible\s+|nasty\s+)?names)",
        "harm to a child",
    ),
    (
        r"(?:grab(?:bed|s|bing)?|drag(?:ged|s|ging)?|yank(?:ed|s|ing)?|pull(?:ed|s|ing)|shook|shak(?:es|ing)|held|"
        r"pinn(?:ed|ing)|squeez(?:ed|es|ing))\s+(?:[\w'-]+\s+){1,6}?by\s+(?:the|his|her|their)\s+(?:arms?|neck|hair|"
        r"collar|wrists?|throat|ears?|shoulders?|jumper|coat|hood)",
        "harm to a child",
    ),
    (
        r"(?:beats?|beating|batter(?:s|ed|ing)|knocks?\s+(?:\w+\s+)?about|knocked\s+(?:\w+\s+)?about|hits|hitting|"
        r"punch(?:es|ing)|strangl\w*|chok(?:es|ed|ing))\s+(?:his|her|their)\s+(?:mum|mam|mother|wife|missus|partner|"
        r"girlfriend|boyfriend|husband|kids|children|dad|father)|domestic\s+(?:violence|abuse)|"
        r"(?:knocks?|knocked|knocking|slaps?|slapped|slapping)\s+(?:his|her|their)\s+(?:mum|mom|mam|mother|wife|missus|partner|"
        r"girlfriend|kids)\s+(?:about|around)",
        "violence",
    ),
    (
        r"affair\s+with|(?:having|had|has|'s)\s+(?:been\s+)?(?:having\s+)?an\s+affair(?:\s+with)?|fling\s+with|carr(?:y|ies|ying|ied)\s+on\s+with(?!\s+(?:the|it|this|that|lessons?|work|teaching|as|business)(?![a-z]))"
        r"(?!\s+(?:his|her|their|my|our)\s+(?:work|job|lessons?|class|day|teaching|duties|life|plans?)(?![a-z]))|(?:are|were|'re|been)\s+carrying\s+on(?=\s*(?:[,.!?]|$|behind|and\s+(?:him|her)|together))|sleeping\s+with|shagging|having\s+it\s+off|inappropriate\s+(?:relationship|messages|photos|"
        r"with)",
        "sexual misconduct",
    ),
    (
        # The same wrong aimed at children: a safeguarding matter too, which the engine routes to the DSL.
        r"inappropriate\s+touching|touch(?:ed|es|ing)\s+(?:up\s+)?"
        + _CHILD_OBJECT
        + r"|groom(?:ed|s|ing)|paedo\w*|pedo\w*|nonces?|perverts?|"
        r"pervs?|predators?|(?:film|photograph|video)(?:s|ed|ing)\s+(?:the\s+)?(?:girls|boys)(?:'|\s+(?:on|in|at|getting|"
        r"changing))|watch(?:es|ed|ing)\s+(?:the\s+)?(?:girls|boys|kids|children)|flash(?:ed|ing)(?!\s+(?:a|an|the|his|her|their|my|it))|"
        r"(?:messag(?:ed|es|ing)|text(?:ed|s|ing)|dm'?(?:ed|s|ing)|snapchatt?(?:ed|ing)|add(?:ed|s|ing))\s+(?:a|the|one\s+of\s+the|"
        r"two|some|several|his|her)?\s*(?:[\w'-]+\s+){0,3}?(?:lad|lads|girl|girls|boy|boys|pupils?|students?|kids?)\s+"
        r"(?:on|via|over)\s+(?:instagram|insta|snapchat|snap|facebook|whatsapp|tiktok|social\s+media)|"
        r"expos(?:ed|es|ing)\s+(?:him|her)self|sex\s+offenders?|on\s+the\s+(?:sex\s+offenders?\s+)?register|"
        # "Dr Lawton is seeing a Year 13 lad": a relationship with a pupil.
        r"(?:is|was|'s|been|are|were)\s+(?:\w+\s+)?(?:seeing|dating|going\s+out\s+with|sleeping\s+with)\s+(?:a|one\s+of\s+"
        r"(?:the|her|his|their))\s+(?:(?:year\s*(?:1[0-3]|\d)|sixth[\s-]form|(?:15|16|17)[\s-]year[\s-]old)\s+(?:lads?|girls?|"
        r"boys?|pupils?|students?|kids?)|sixth[\s-]formers?)(?![a-z])",
        "sexual misconduct towards children",
    ),
    (
        r"(?:was|got|been|being|is|has\s+been)\s+(?:suspended|sacked|fired|dismissed|disqualified|arrested|charged|convicted|"
        r"struck\s+off|cautioned|done\s+for|found\s+guilty|banned)|(?:walked|marched|escorted|frogmarched|taken)\s+(?:off|out(?:\s+of)?)\s+"
        r"(?:the\s+)?(?:\w+\s+){0,2}?(?:by\s+(?:\w+\s+)?police|in\s+handcuffs)|(?:never|didn'?t|did\s+not|failed\s+to)\s+"
        r"declare(?:d)?\s+(?:it|that|an?\s+(?:conflict|interest))|malpractice|(?:under|facing)\s+(?:a\s+)?(?:police\s+)?investigation|(?:being|been)\s+(?:investigated|probed|"
        r"looked\s+(?:at|into)\s+by)|caught\s+(?:(?:him|her|them)\s+)?(?:\w+ing|with|on\s+(?:camera|cctv)|red-?handed)|racist\s+(?:to|towards|abuse|comments|remarks)|"
        r"bull(?:y|ies|ied|ying)\s+(?:the\s+|other\s+|junior\s+)?(?:staff|colleagues|teachers)|(?:sacked|pushed\s+out|forced\s+out|"
        r"let\s+go|got\s+rid\s+of|kicked\s+out|run\s+out)\s+(?:\w+\s+){0,5}?for\s+(?:bullying|harass\w*|fiddling|stealing|theft|"
        r"fraud|lying|drinking|misconduct|abuse|assault|hitting|gross\s+misconduct)|"
        r"(?:is|was|'s|are|were)\s+(?:openly\s+|clearly\s+|properly\s+|a\s+)?(?:racist|islamophobic|homophobic|antisemitic|"
        r"transphobic|sexist)|mark(?:s|ed|ing)\s+(?:\w+\s+){1,3}?down\s+because\s+(?:(?:we|she|he|they)(?:'re|'s|\s+(?:is|are)))|discriminat\w*\s+against|fak(?:ed|es|ing)\s+(?:the\s+|its\s+|their\s+|our\s+|"
        r"his\s+|her\s+)?(?:\w+\s+)?(?:results|grades|sats|registers?|attendance|data|figures|marks)|"
        r"leak(?:s|ed|ing)\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:papers|questions|answers)|(?:fill(?:s|ed|ing)?\s+in|writ(?:es|ing)|wrote|chang(?:es|ed|ing))\s+(?:the\s+)?answers\s+for|"
        r"(?:gave|gives|giving|given|told|tells|telling|whisper\w*)\s+(?:\w+\s+){0,3}?the\s+answers[^.!?\n]{0,60}?"
        r"(?:sats|exams?|tests?|mocks?|gcses?|assessments?|phonics\s+check)|"
        r"(?:copy|copies|copying|copied|steals?|stole|stealing|passing\s+off)\s+(?:\w+\s+)?(?:kids'?|pupils'?|children'?s|"
        r"students'?)\s+work|(?:deliberately\s+)?(?:shredded|shreds|shredding|destroyed|deleted|binned|hid|hides|hiding|"
        r"hidden|bins?|binning)\s+(?:my|our|the|his|her|their|any|every|all\s+the)\s+(?:[\w']+\s+){0,2}?(?:complaints?|letters?|emails?|evidence|records?|"
        r"reports?|injur(?:y|ies)|broken\s+\w+|bruises?)|"
        r"(?:didn'?t|did\s+not|never|doesn'?t|don'?t|wouldn'?t|failed\s+to|refused\s+to)\s+(?:have\s+to\s+)?report\s+"
        r"(?:it|this|that|the\s+(?:injury|incident|accident|abuse|assault|concerns?|allegations?))|"
        # "reads out kids' medical notes to her mates down the pub"
        r"(?:medical|confidential|private|safeguarding|sen|personal)\s+(?:notes|records|files|information|info|details)\s+"
        r"(?:out\s+)?(?:to|with)\s+(?:her|his|their|the)\s+(?:mates|friends|pals|family|husband|wife|whole\s+\w+)|cheat(?:ed|ing|s)\s+(?:on|in|at)\s+(?:the\s+)?(?:sats|exams?|ofsted|inspection|tests?)|"
        r"lost\s+(?:my|a|the|our)\s+(?:\w+\s+)?(?:son|daughter|child|kid|pupil|boy|girl)(?!'s|s\b)|"
        r"left\s+(?:my|a|the|our)\s+(?:\w+\s+)?(?:child|son|daughter|kid|pupil|boy|girl)\s+(?:alone|behind|unattended|outside)|"
        r"neglect(?:ed|s|ing)\s+|ignor(?:ed|es|ing)\s+(?:a\s+|the\s+|my\s+|our\s+)?(?:safeguarding|bullying|abuse|disclosure|"
        r"concerns?|allegations?)|(?:is|are|was|were)\s+(?:a\s+)?(?:corrupt|criminals?|bent)|off-?roll(?:s|ed|ing)?|"
        r"knew\s+(?:about\s+)?(?:\w+\s+){0,4}?(?:and|but)\s+(?:did|said)\s+nothing|did\s+nothing\s+(?:about|to\s+stop)\s+"
        r"(?:the\s+|this\s+|that\s+|my\s+\w+'s\s+)?(?:abuse|bullying|assault|attack|harassment)",
        "misconduct",
    ),
    (
        # Photos of pupils on a staff member's own account; filming children where they undress.
        r"(?:posts?|posted|posting|puts?|putting|shares?|shared|sharing|uploads?|uploaded|uploading)\s+(?:\w+\s+){0,2}?"
        r"(?:photos?|pictures?|pics?|videos?|images?)\s+of\s+(?:the\s+|our\s+|other\s+people'?s\s+)?(?:\w+\s+){0,2}?"
        r"(?:kids|children|pupils|girls|boys|students)\s+(?:\w+\s+){0,2}?on\s+(?:his|her|their)\s+(?:own\s+)?"
        r"(?:private\s+|personal\s+)?(?:instagram|insta|facebook|fb|tiktok|snapchat|account|page|profile|"
        r"social\s+media|phone)"
        r"|(?:film|photograph|video|record)(?:s|ed|ing)\s+(?:(?:the|other|younger|older|little|some)\s+)*(?:\w+\s+)?"
        r"(?:girls|boys|kids|children|pupils|year\s*\d+s)\s+(?:in|on|under)\s+(?:the\s+)?(?:toilets?|loos?|"
        r"changing\s+rooms?|showers?|cubicles?)|(?:film|photograph|video|record)(?:s|ed|ing)\s+(?:\w+\s+){0,3}?"
        r"(?:in|under)\s+(?:the\s+)?(?:toilets?|loos?|changing\s+rooms?|showers?|cubicles?)"
        r"|(?:is|was|'s|been|are|were)\s+(?:\w+\s+)?seeing\s+(?:one\s+of\s+the|another|someone'?s)\s+(?:\w+\s+){0,2}?"
        r"(?:dads|mums|mams|parents|husbands?|wives|wife)|(?:is|was|'s|been)\s+(?:\w+\s+)?seeing\s+(?:a|the)\s+"
        r"(?:married\s+\w+|\w+'s\s+(?:husband|wife|dad|mum|mam))",
        "misconduct",
    ),
    (
        # Drunk at work, in the words people use: "three sheets to the wind at the campsite", "absolutely
        # steaming", coming out of the pub on a school day, the drink on his breath.
        r"three\s+sheets\s+to\s+the\s+wind|half-?cut|sozzled|bladdered|legless|paralytic|rat-?arsed|trolleyed|"
        r"blotto|off\s+(?:his|her|their)\s+(?:face|head|tits)|(?:absolutely|totally|completely|proper|properly|blind|"
        r"stinking|roaring)\s+(?:drunk|steaming|pissed|plastered|hammered)(?!\s+(?:it|by|in\s+the\s+(?:match|game|"
        r"final|league)))|(?:coming|came|come|falling|fell|stumbling|stumbled|staggering|staggered|rolling|rolled)\s+"
        r"out\s+of\s+(?:the\s+)?(?:pub|[a-z]+\s+(?:arms|inn|tavern|hotel)|(?:red|white|black|golden)\s+(?:lion|hart|horse|swan|bull)|(?:king|queen)\'?s\s+head|crown|plough|royal\s+oak|bar|wetherspoons|spoons|offy|off-licence)"
        r"(?=[^.!?\n]{0,80}?(?:school\s+day|school\s+hours|school\s+time|lunch|afternoon|morning|\d\s*(?:am|pm)|"
        r"\d\s+in\s+the|drunk|steaming|hammered|pissed|worse\s+for\s+wear|before\s+(?:pick|home|school)))|"
        r"smell\s+(?:it|the\s+drink|drink|booze|alcohol|beer|wine|the\s+booze)\s+on\s+(?:him|her|them|his\s+breath|"
        r"her\s+breath)|(?:his|her)\s+breath\s+(?:stank|stinks|smelt|smelled|smells|reeked|reeks)",
        "substance misuse at work",
    ),
    (
        # Exam tampering and cheating: "rubs out the wrong answers", "had the answers written up her arm".
        r"(?:rubs?|rubbed|rubbing)\s+out\s+(?:the\s+|their\s+)?(?:wrong\s+)?answers|(?:alter(?:s|ed|ing)?|"
        r"tamper(?:s|ed|ing)\s+with|doctor(?:s|ed|ing)|chang(?:es|ed|ing))\s+(?:the\s+|their\s+|pupils'?\s+|"
        r"kids'?\s+)?(?:wrong\s+)?(?:answers|scripts|test\s+papers|exam\s+papers|sats\s+papers)|"
        r"(?:had|has|have|got)\s+(?:the\s+|all\s+the\s+)?answers\s+(?:written\s+)?(?:up|on|in)\s+(?:her|his|their)\s+"
        r"(?:arm|arms|hand|hands|pencil\s+case|phone|calculator|sleeve)",
        "misconduct",
    ),
    (
        # Favours for money or family: "gets his mate's firm every job", "if their parents make a 'donation'".
        r"(?:mate|mates|brother|sister|wife|husband|son|daughter|cousin|partner|brother-in-law|sister-in-law|"
        r"fella|pal|friend|family)'s\s+(?:own\s+)?(?:firm|company|business|outfit)|no\s+tender|jobs\s+for\s+the\s+"
        r"boys|nepotism|if\s+(?:their|the|your)\s+(?:parents|mum|mam|dad|family|folks)\s+(?:make|makes|made|give|"
        r"gives|gave|pay|pays|paid|donate|donates|bung|bungs)\s+(?:a\s+|the\s+school\s+a\s+)?['\"]?(?:donation|"
        r"contribution|payment|bung|few\s+quid)|in\s+(?:exchange|return)\s+for\s+(?:a\s+)?['\"]?(?:donation|"
        r"contribution|bung)",
        "fraud",
    ),
    (
        r"help(?:s|ed|ing)\s+(?:him|her|them)sel(?:f|ves)\s+in\s+(?:the\s+)?(?:co-?op|shop|shops|tesco|asda|aldi|"
        r"lidl|sainsbury'?s|morrisons|spar|corner\s+shop|supermarket|garage|market|primark|boots|home\s+bargains|"
        r"poundland)|light-?fingered|sticky\s+fingers|five-?finger\s+discount|deals?\s+(?:\w+\s+)?(?:out\s+of|from|off)"
        r"\s+(?:his|her|their|the)\s+(?:car|van|house|flat|garage|shed|front\s+door|back\s+door)|"
        r"(?:dealing|deals)\s+(?:round|around|on|at)\s+the\s+(?:estate|park|rec|corner|gates?)",
        "crime",
    ),
    (
        # A child made to sit out of sight or locked in: "made the SEN kids sit in the corridor all
        # afternoon", "locks them in and goes out for a tab".
        r"(?:made|makes|make|making)\s+"
        + _CHILD_OBJECT
        + r"\s+(?:sit|stand|stay|eat|wait|work)\s+(?:\w+\s+){0,2}?"
        r"(?:in\s+the\s+corridor|outside\s+(?:the\s+)?(?:class(?:room)?|door|office)|in\s+the\s+cold|in\s+the\s+rain|"
        r"on\s+(?:his|her|their)\s+own|alone|facing\s+the\s+wall|in\s+a\s+cupboard|with\s+no\s+(?:lunch|food|water|"
        r"break))|lock(?:s|ed|ing)?\s+(?:kids|children|pupils|him|her|them|the\s+\w+)\s+in(?=\s+(?:and|there|alone|"
        r"for|on|all|while|with|til|until)(?![a-z])|\s*[,.!]|\s*$)",
        "harm to a child",
    ),
)
_PREDICATE = re.compile(
    "|".join(f"(?P<p{i}>(?<![a-z])(?:{pattern})(?![a-z]))" for i, (pattern, _) in enumerate(_PREDICATES))
)

# Who the claim is about. Order matters only for naming the target; the nearest mention before the claim wins.
_TARGETS: tuple[tuple[str, str], ...] = (
    (
        r"(?:the|your|our|this|their)\s+(?:new\s+|acting\s+|executive\s+)?(?:head\s?(?:teacher|master|mistress)|head|"
        r"principal|head\s+of\s+school)(?!\s+of\s+(?!school))(?!\s*(?:lice|teacher's\s+office))",
        "headteacher",
    ),
    (
        r"(?:the|a|her|his|my\s+\w+'?s?|their|our|your|one\s+of\s+the|that|this)\s+(?:(?:new|old|year\s*\d+|class|form|pe|pta|"
        r"music|supply|cover|reception|nursery|maths|english|science|art)\s+)?(?:[a-z]+\s+(?=(?:teacher|coach|tutor)(?![a-z])))?"
        r"(?:teachers?|deputy(?:\s+head(?:teacher)?)?|"
        r"caretakers?|ta|tas|teaching\s+assistants?|receptionists?|office\s+(?:manager|staff|lady|ladies)|secretary|senco|"
        r"dsl|staff(?:\s+members?)?|member\s+of\s+staff|dinner\s+lad(?:y|ies)|lunchtime\s+(?:supervisors?|staff)|cook|chef|"
        r"coach|business\s+manager|bursar|governors?|chair\s+of\s+governors|site\s+manager|head\s+of\s+year|head\s+of\s+(?!the\b|school\b)[a-z]+|"
        r"minibus\s+driver|lollipop\s+(?:lady|man)|nurse|treasurer|pta\s+(?:chair|treasurer|secretary)|trip\s+leaders?|"
        r"form\s+tutors?|tutor|(?:\w+\s+){0,2}?supervisor|(?:\w+\s+)?manager|(?:exams?|attendance|finance|welfare|pastoral)\s+officer|chair)",
        "staff",
    ),
    (r"(?:mr|mrs|miss|ms|mx|dr|sir)\.?\s+[a-z][a-z'-]+", "staff"),
    # Clergy and councillors on the governing body or around the school: named, or known by their post.
    (
        r"(?:revd|rev|reverend|canon|cllr|councillor)\.?\s+[a-z][a-z'-]+|"
        r"(?:the|our|that|your)\s+(?:vicar|rector|parish\s+priest|priest|imam|local\s+councillor)",
        "other",
    ),
    (
        r"(?:the|this|that|your|our)\s+(?:school|academy|trust|office|governors|governing\s+body|management|slt|"
        r"senior\s+leadership(?:\s+team)?|leadership\s+team)|(?:the\s+)?slt|staff\s+here|teachers\s+here",
        "school",
    ),
    (
        r"(?:[a-z]+'s|his|her|their|that\s+\w+'s)\s+(?:mum|mam|mother|dad|father|step-?dad|step-?mum|nan|gran|uncle|aunt|"
        r"auntie|brother|sister|parents?|family|boyfriend|girlfriend|husband|wife|partner|carer)",
        "other",
    ),
    (
        # "the bloke who runs the golf club": one person, picked out by what they do.
        r"(?:that|the|this)\s+(?:bloke|man|woman|lady|guy|fella|fellow|chap)\s+(?:who|that)\s+(?:runs|owns|manages|"
        r"chairs|organises|coaches|drives)\s+(?:the\s+)?(?:[a-z'-]+\s+){0,2}?[a-z'-]+",
        "other",
    ),
    (
        r"(?:that|the|this)\s+(?:mum|mam|mother|dad|father|step-?dad|parent|woman|man|bloke|lady)\s+(?:from|in|with|of)\s+"
        r"(?:year\s*\d+|\d[a-z]{1,3}|reception|nursery|class\s+\w+|the\s+(?:pta|after\s+school\s+club))",
        "other",
    ),
)
_TARGET = re.compile(
    "|".join(f"(?P<t{i}>(?<![a-z])(?:{pattern})(?![a-z]))" for i, (pattern, _) in enumerate(_TARGETS))
)
# "Ryan Jones is a thief": two capitalised words as the subject name someone even without a title.
_PROPER_NAME = re.compile(r"(?<![A-Za-z])[A-Z][a-z'-]+(?:[ -][A-Z][a-z'-]+)+(?:'s)?(?![A-Za-z])")
_NOT_NAMES = frozenset(
    "the this that my our your his her their i we you they he she it a an and but so if when everyone "
    "someone nobody anyone apparently honestly seriously just also well yes no please thank thanks dear "
    "hi hello "
    "monday tuesday wednesday thursday friday saturday sunday year reception class school".split()
)
# Unidentified children ("a boy in year 5") are neither defamed nor identifiable; their behaviour is a
# behaviour or safeguarding matter, so an anonymous child as the nearest subject cancels the allegation.
_ANONYMOUS_CHILD = re.compile(
    r"(?<![a-z])(?:a|some|one|two|three|the\s+other|other|older|another)\s+(?:\w+\s+)?(?:boys?|girls?|kids?|children|"
    r"pupils?|lads?|child|student)(?![a-z])"
)
_QUESTION_OPENER = re.compile(
    r"^(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|why|how|who|what|when|where|which)\b"
    r"|is\s+it\s+true|did\s+you\s+know|does\s+anyone\s+know|anyone\s+know|can\s+(?:someone|anyone)|"
    r"is\s+there\s+any\s+truth"
)
_NEGATED = re.compile(
    r"(?:\bnot|\bnever|n't|\bno\s+one|\bnobody|\bwould\s+never|\bwouldn't|\bif)\s+(?:\w+\s+){0,2}$"
)
_RELAYED = re.compile(
    r"(?<![a-z])(?:(?:keeps?|kept)\s+)?(?:telling|tells)\s+(?:everyone|everybody|people|anyone|the\s+\w+)|"
    r"(?<![a-z])(?:claim(?:s|ing|ed)|accus(?:es|ing|ed)|alleg(?:es|ing|ed))(?![a-z])"
)
# "The Echo says a teacher in Leeds was arrested": news about someone, not a claim the writer makes.
_REPORTED = re.compile(
    r"(?<![a-z])(?:paper|papers|news|echo|gazette|post|mail|herald|telegraph|chronicle|bbc|itv|article|report|"
    r"headline|website)(?:'s|\s+is|\s+are)?\s+(?:says?|said|saying|reports?|reported|reporting|reckons|claims?|claiming)(?![a-z])|(?<![a-z])(?:piece|story|article|"
    r"report|item)\s+(?:on|in)\s+the\s+(?:bbc|news|paper|echo|post|mail)(?![a-z])|(?<![a-z])(?:in|on)\s+the\s+"
    r"(?:news|paper|papers|local\s+news)(?![a-z])|(?<![a-z])according\s+to(?![a-z])|(?<![a-z])all\s+over\s+the\s+(?:\w+\s+)?(?:news|papers|internet|telly)(?![a-z])"
)
# "Heard Mrs X got done for…", "my cousin says…", "Mihai told our Ioana his dad…": the writer passes on
# what someone else said. Kept, like a relayed claim, below the threshold, and it stops the trained head
# from flagging the comment on its own.
_HEARSAY = re.compile(
    r"(?<![a-z])(?:(?:i'?ve\s+|i\s+have\s+|i\s+|we'?ve\s+|we\s+)?(?:heard|hearing)|word\s+(?:is|on\s+the\s+street)|"
    r"(?:i'?ve|i\s+have|we'?ve|we\s+have|i'?d|we'?d)\s+been\s+(?:told|informed)|"
    r"rumou?r(?:s|ed)?\s+(?:[a-z]+\s+){0,4}?(?:is|are|has\s+it|going\s+round)|apparently|supposedly|allegedly|"
    r"(?:someone|somebody|people|everyone)\s+(?:(?:at|on|in|from)\s+(?:the\s+)?[a-z]+\s+)?(?:said|says|is\s+saying|"
    r"are\s+saying|told)|sounds\s+like|"
    r"(?:my|a|his|her|our|their)\s+(?:\w+\s+)?(?:cousin|friend|mate|neighbour|sister|brother|mum|mam|dad|wife|husband|"
    r"partner|son|daughter|nan|gran|colleague|pal|kids?|lad|girl|boy)\s+(?:says|said|reckons|heard|told\s+(?:me|us))|"
    r"(?:told|tells|telling)\s+(?:my|our)\s+\w+(?:\s+that)?\s+(?=\w))"
)
_CHILD_TELLER = r"(?:son|daughter|kids?|lad|girl|boy)\s+"
# A child passing something on ("Beau told my son…", "my daughter says…") is a disclosure, not gossip.
_CHILD_SOURCE = re.compile(
    r"(?:told|tells|telling)\s+(?:my|our)|" + _CHILD_TELLER + r"(?:says|said|told|reckons|heard)"
)
# "a member of staff", "one of the TAs", "some teacher": a rumour about nobody in particular names no one.
_INDEFINITE = re.compile(r"(?:an?|one\s+of\s+(?:the|their|our)|some)\s")
# The writer doubts what they pass on: "no idea if it's true", "pinch of salt", "is that right?".
_HEDGED = re.compile(
    r"(?<![a-z])(?:no\s+idea\s+if|not\s+sure\s+if|(?:don'?t|do\s+not)\s+know\s+if|dunno\s+if|if\s+it'?s\s+true|"
    r"(?:is|was)\s+(?:that|it|this)\s+(?:actually\s+)?(?:true|right|correct)|pinch\s+of\s+salt|don'?t\s+quote\s+me|"
    r"could\s+be\s+wrong|might\s+be\s+(?:rubbish|nothing)|take\s+(?:it|this)\s+with)(?![a-z])"
)
_SELF_OBJECT = re.compile(r"(?<![a-z])(?:him|her|me)(?![a-z])")
_CHILD_TELLS = re.compile(_CHILD_TELLER + r"(?:says|said|told)")
_PRONOUN_SUBJECT = re.compile(r"(?<![a-z])(?:he|she|they)(?:'s|\s)")
_DESCRIPTIONS = {f"p{i}": text for i, (_, text) in enumerate(_PREDICATES)}
_TARGET_KINDS = {f"t{i}": kind for i, (_, kind) in enumerate(_TARGETS)}


@dataclass(frozen=True, slots=True)
class _Target:
    start: int
    end: int
    kind: str


class AllegationClassifier:
    """ALLEGATION: a claim of crime, dishonesty, abuse or misconduct stated as fact about someone identifiable
    (a titled or named person, "the head", "her teacher", a family member) or about the school.

    Questions ("is it true that…?"), negations and plain opinions ("the head is rubbish") are not allegations.
    ``("target", ...)`` is headteacher, staff, school, pupil or other; with a staff list, "Mr X" resolves to
    the headteacher when X is the head, which routes the case to the chair of governors.
    """

    name: ClassVar[str] = "allegation_rules"
    version: ClassVar[str] = "allegation_rules-1.0"

    def __init__(
        self,
        staff: StaffList | None = None,
        school_names: Iterable[str] = (),
        *,
        pupils: PupilNameClassifier | None = None,
    ) -> None:
        """``pupils`` is the school's roster matcher: "ethan shearer nicked the prom fund" is about a pupil
        even in lower case, where no capitalised name gives the subject away."""
        self._staff = StaffNameClassifier(staff) if staff is not None else None
        self._pupils = pupils
        self._school_names = tuple(n for n in school_names if n.strip())
        self._school: re.Pattern[str] | None = None

    def load(self) -> None:
        if self._staff is not None:
            self._staff.load()
        if self._pupils is not None:
            self._pupils.load()
        names = sorted(
            {form for n in self._school_names for form in _school_forms(n.strip().lower())},
            key=len,
            reverse=True,
        )
        self._school = (
            re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(n) for n in names) + r")(?![a-z])")
            if names
            else None
        )

    def classify(self, text: str) -> list[Finding]:
        if self._school is None and self._school_names:
            self.load()
        norm = normalise(text)
        lowered = norm.text.lower()
        insinuated = _INSINUATION.search(lowered) is not None and _INSINUATED.search(lowered) is not None
        targets = self._targets(norm, lowered)
        if not targets:
            return []  # most comments: nobody identifiable, so nobody to defame
        findings: list[Finding] = []
        previous_target: _Target | None = None
        # A subject named in a sentence the rules could not read as a question or a denial: the trained
        # head may still read a claim there that no wrongdoing word of ours describes.
        candidate: _Target | None = None
        # A wrongdoing word the rules read and set aside (a question, a denial, a child's fight).
        rejected = False

        for s_start, s_end in sentences(lowered):
            sentence = lowered[s_start:s_end]
            in_sentence = [t for t in targets if s_start <= t.start < s_end]
            is_question = sentence.rstrip().endswith("?") and (
                _QUESTION_OPENER.search(sentence.lstrip()) is not None
            )
            if in_sentence and not is_question and (
                candidate is None or _RANK[in_sentence[0].kind] < _RANK[candidate.kind]
            ):
                candidate = in_sentence[0]
            for match in _PREDICATE.finditer(lowered, s_start, s_end):
                if is_question or _NEGATED.search(lowered[max(s_start, match.start() - 30) : match.start()]):
                    rejected = True
                    continue
                kind = _DESCRIPTIONS[match.lastgroup or "p0"]
                before = [t for t in in_sentence if t.start < match.start()]
                target = before[-1] if before else None
                # "…is a thief" needs a subject; "he stole" borrows the last subject named earlier.
                score = 0.8
                if target is None:
                    # "Backhanders all round": a wrongdoing noun needs no subject of its own.
                    if previous_target is None or not (
                        _PRONOUN_SUBJECT.search(lowered[s_start : match.start()])
                        or _SUBJECTLESS.fullmatch(match.group())
                    ):
                        continue
                    target, score = previous_target, 0.7
                if target.kind == "pupil" and _NAME_CALLING.fullmatch(match.group()):
                    rejected = True
                    continue  # "Ola W is a spoilt little madam and a liar": an insult to a child, not a claim
                anonymous = _ANONYMOUS_CHILD.search(lowered, target.end, match.start())
                if anonymous is not None:
                    rejected = True
                    continue
                if (
                    kind == "harm to a child"
                    and target.kind in ("other", "pupil")
                    and not _is_adult(lowered[target.start : target.end])
                ):
                    # Child-on-child harm is bullying: the safeguarding detector's job, not a defamation risk.
                    rejected = True
                    continue
                framing = "stated"
                hearsay = _HEARSAY.search(lowered, s_start, match.start())
                if (
                    hearsay is not None
                    and kind == "harm to a child"
                    and _CHILD_TELLS.search(hearsay.group())
                    and _SELF_OBJECT.search(match.group())
                ):
                    hearsay = None  # "My son says Mr X grabbed him": the child's own disclosure, not gossip
                if (
                    hearsay is not None
                    and not _INDEFINITE.match(lowered, target.start)
                    and not _CHILD_SOURCE.search(hearsay.group())
                    and not _HEDGED.search(lowered)
                    and not _RELAYED.search(lowered, s_start, match.start())
                    and not _REPORTED.search(lowered, s_start, s_end)
                ):
                    # "Heard from a mum that Mrs X fiddles the figures": repeating a claim publishes it
                    # again, so a rumour passed on as true is an allegation like any other.
                    framing = "hearsay"
                elif (
                    _RELAYED.search(lowered, s_start, match.start())
                    or _REPORTED.search(lowered, s_start, s_end)
                    or hearsay is not None
                ):
                    # "Her mum keeps telling everyone the school is racist": someone else's claim, relayed
                    # (often to dispute it). Kept as weak evidence below the default threshold.
                    score, framing = 0.45, "reported"
                span_start = target.start if target.start >= s_start else match.start()
                findings.append(
                    self._finding(
                        norm.span(span_start, match.end()),
                        score,
                        f"states {kind} as fact about",
                        target,
                        kind,
                        framing,
                    )
                )
            if in_sentence:
                previous_target = in_sentence[-1]
        if not findings and insinuated:
            # "Funny how Pauline Bright turned up in a new car the month the float went missing. Just saying."
            named = [t for t in targets if t.kind != "school"]
            if named:
                target = named[0]
                span = norm.span(target.start, target.end)
                findings.append(
                    self._finding(
                        span, 0.7, "insinuates dishonesty about", target, "dishonesty", "insinuated"
                    )
                )
        if not findings and candidate is not None and not rejected:
            findings.append(
                self._finding(
                    norm.span(candidate.start, candidate.end),
                    CANDIDATE_SCORE,
                    "possible claim of wrongdoing about",
                    candidate,
                    "unstated",
                    "candidate",
                )
            )
        return _merge(findings)

    def _finding(
        self, span: tuple[int, int], score: float, claim: str, target: _Target, kind: str, framing: str
    ) -> Finding:
        """One ALLEGATION finding; ``claim`` leads the explanation ("states theft as fact about")."""
        return Finding(
            label=Label.ALLEGATION,
            score=score,
            start=span[0],
            end=span[1],
            explanation=f"{claim} {_TARGET_WORDS[target.kind]}",
            detector_version=self.version,
            attributes=(("target", target.kind), ("kind", kind.replace(" ", "_")), ("framing", framing)),
        )

    def _targets(self, norm: NormalisedText, lowered: str) -> list[_Target]:
        body = norm.text
        found: list[_Target] = []
        for match in _TARGET.finditer(lowered):
            elsewhere = _ELSEWHERE.match(body, match.end())
            at_school = (
                self._school is not None
                and elsewhere is not None
                and self._school.match(lowered, elsewhere.start(1))
            )
            if elsewhere and not at_school:
                continue  # "a teacher in Bolton", "that headteacher in Kent": nobody this school can name
            found.append(_Target(match.start(), match.end(), _TARGET_KINDS[match.lastgroup or "t0"]))
        if self._school is not None:
            found.extend(_Target(m.start(), m.end(), "school") for m in self._school.finditer(lowered))
        if self._staff is not None:
            for ref in self._staff.references_in(norm):
                found.append(
                    _Target(ref.start, ref.end, "headteacher" if ref.role == "headteacher" else "staff")
                )
        if self._pupils is not None:
            # Classifying the normalised text gives spans into it (normalising is idempotent).
            for finding in self._pupils.classify(body):
                if finding.start is None or finding.end is None:
                    continue
                start, end = finding.start, finding.end
                # "Bayo Okafor's dad deals…": the claim is about the adult named through the child.
                possessive = lowered[end : end + 2] in ("'s", "’s")
                relative = _RELATIVE_AFTER.match(lowered, end + 2) if possessive else None
                if relative is not None:
                    found.append(_Target(start, relative.end(), "other"))
                else:
                    found.append(_Target(start, end, "pupil"))
        for match in _PROPER_NAME.finditer(body):
            first = match.group().split()[0].lower().strip("'")
            if first in _NOT_NAMES:
                continue
            # "Noah Baptiste's stepdad": the claim is about the adult, not the child named before him.
            relative = _RELATIVE_AFTER.match(lowered, match.end()) if match.group().endswith("'s") else None
            found.append(_Target(match.start(), relative.end() if relative else match.end(), "other"))
        # A staff-list match outranks a generic "Mr X" at the same place.
        found.sort(key=lambda t: (t.start, _RANK[t.kind]))
        unique: list[_Target] = []
        for target in found:
            if unique and unique[-1].start <= target.start < unique[-1].end:
                continue
            unique.append(target)
        return unique


# Dishonesty words that, said of a child, are name-calling rather than a claim of a specific wrong.
_NAME_CALLING = re.compile(r"liars?|lying|lies|cheats?|crooks?")
# "a teacher in Bolton": a role placed somewhere else by a capitalised place name.
_ELSEWHERE = re.compile(r"\s+(?:(?:over|down|up|out)\s+)?(?:in|from|at)\s+([A-Z][a-z]+)")
# Wrongdoing nouns that carry a claim with no subject of their own; the person named just before is meant.
_SUBJECTLESS = re.compile(
    r"backhanders?|kickbacks?|bungs?|brown\s+envelopes?|cover-?ups?|nepotism|jobs\s+for\s+the\s+boys|no\s+tender|"
    r"embezzlement|fraud"
)
# Insinuation: the writer implies what they will not say ("funny how…", "just saying") about money gone.
_INSINUATION = re.compile(
    r"(?<![a-z])(?:(?:funny|strange|odd|interesting|curious|weird)\s+how|funny\s+that|(?:what\s+a|quite\s+a|bit\s+of\s+a)\s+"
    r"coincidence|just\s+saying|makes?\s+you\s+(?:wonder|think)|draw\s+your\s+own\s+conclusions|(?:i'?ll\s+)?say\s+no\s+more|"
    r"no\s+wonder)(?![a-z])"
)
_INSINUATED = re.compile(
    r"(?<![a-z])(?:(?:money|float|funds?|cash|takings|kitty|tin|donations|till|budget)\s+(?:\w+\s+)?(?:went|goes|has\s+gone|"
    r"had\s+gone|have\s+gone|going|gone|disappeared|vanished)|brand\s+new\s+(?:car|kitchen|range\s+rover|bmw|merc)|"
    r"new\s+(?:car|kitchen|range\s+rover|bmw|merc)\s+(?:the\s+)?(?:same|just|right))(?![a-z])"
)


_RANK = {"headteacher": 0, "staff": 1, "school": 2, "pupil": 3, "other": 4}
_TARGET_WORDS = {
    "headteacher": "the headteacher",
    "staff": "a member of staff",
    "school": "the school",
    "pupil": "a pupil",
    "other": "an identifiable person",
}
_RELATIVE_AFTER = re.compile(
    r"\s+(?:(?:older|younger|big|little|eldest|oldest|youngest|baby|step-?)\s*)?(?:brother|sister|cousin|mum|mam|mother|dad|father|step-?dad|step-?mum|stepfather|stepmother|nan|gran|grandad|uncle|aunt|auntie|"
    r"boyfriend|girlfriend|husband|wife|partner|carer|parents)(?![a-z])"
)
_ADULT = re.compile(
    r"(?:mum|mam|mother|dad|father|step-?dad|step-?mum|stepfather|stepmother|nan|gran|grandad|uncle|aunt|auntie|"
    r"boyfriend|girlfriend|husband|wife|partner|carer|parents?)$"
)


# What a school's name ends with: "Harrowdale Church of England Primary School" is also "Harrowdale".
_SCHOOL_TYPE_TAIL = re.compile(
    r"(?:\s+(?:church\s+of\s+england|c\s+of\s+e|ce|rc|roman\s+catholic|catholic|methodist|community|county|"
    r"junior|infant|infants|primary|secondary|high|grammar|middle|first|free|church|c\.e\.|voluntary\s+aided|"
    r"academy|school|college|trust|and|&))+$"
)


def _school_forms(name: str) -> set[str]:
    """The name as written, and without its school-type words when what is left is a name of its own."""
    short = _SCHOOL_TYPE_TAIL.sub("", name).strip()
    return {name, short} if len(short) >= 4 and short != name else {name}


def _is_adult(target_text: str) -> bool:
    return _ADULT.search(target_text) is not None


def _merge(findings: list[Finding]) -> list[Finding]:
    """Several wrongdoing words in one claim ("is a pervert, he watches…") make one finding per span start."""
    merged: list[Finding] = []
    # The most confident reading of a claim wins: "X was drunk driving, my son said he reeked of ale" is
    # stated, whatever the hearsay about the second detail.
    for finding in sorted(findings, key=lambda f: (f.start or 0, -f.score, -(f.end or 0))):
        if merged and merged[-1].start == finding.start:
            continue
        merged.append(finding)
    return merged
