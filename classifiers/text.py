"""Shared text normalisation for the detectors: folded text plus a map back to the caller's offsets."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Comments longer than this are analysed only up to here: a 1 MB paste must not make every regex and the
# roster matcher walk a megabyte. Real comments are far shorter; the cap keeps cost bounded, spans stay valid.
MAX_ANALYSED_CHARS = 10_000

# Characters people (and spammers) use to break up words without changing how they look.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
    "\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f"
    "\ufeff\uffa0"
)

# NFKC does not touch Cyrillic/Greek letters that look Latin; these are the ones used to dodge word filters.
_HOMOGLYPHS = {
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "і": "i",
    "ј": "j",
    "ѕ": "s",
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "Х": "X",
    "І": "I",
    "ο": "o",
    "α": "a",
    "ε": "e",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ρ": "p",
    "τ": "t",
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Χ": "X",
    # Typographic punctuation, so patterns only need to know the ASCII forms.
    "\u02bc": "'",
    "\u2018": "'",
    "\u2019": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
}


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """``text`` is NFKC-ish, accent-folded and free of invisible characters; ``offsets[i]`` is the index in
    the original string of the character that produced ``text[i]`` (one extra entry marks the end)."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of :attr:`text` back to the original string."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalise(text: str, limit: int = MAX_ANALYSED_CHARS) -> NormalisedText:
    """Fold ``text[:limit]`` for matching: NFKC-style compatibility forms, accents dropped, invisible
    characters removed, look-alike Cyrillic/Greek letters mapped to Latin. The length never grows by more
    than a small factor, and the work is linear in ``limit``."""
    return _normalise_cached(text[:limit])


# Every detector in an Analyzer normalises the same comment, so a tiny cache saves six passes.
@functools.lru_cache(maxsize=8)
def _normalise_cached(text: str) -> NormalisedText:
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        mapped = _HOMOGLYPHS.get(char)
        if mapped is not None:
            out.append(mapped)
            offsets.append(index)
            continue
        if char.isascii():
            out.append(char)
            offsets.append(index)
            continue
        # NFKD splits "é" into "e" + combining accent and fullwidth "Ｘ" into "X"; dropping combining marks
        # folds Siobhán to Siobhan, which is how parents type names on their phones.
        for piece in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(piece):
                continue
            piece = _HOMOGLYPHS.get(piece, piece)
            if unicodedata.category(piece) in ("Cf", "Cc") and piece not in "\n\t":
                continue
            out.append(piece)
            offsets.append(index)
    offsets.append(len(text))
    return NormalisedText("".join(out), tuple(offsets))


def fold(text: str) -> str:
    """The normalised, lower-cased form used for comparing names and lexicon entries."""
    return normalise(text, limit=max(len(text), 1)).text.lower()


# A full stop inside a word ("jo@example.com", "1.5", "st.mungos") does not end the sentence.
_SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=[A-Za-z0-9]))+(?:[.!?]+|\n|$)")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Rough sentence spans: enough for "is this clause a question?" without a parser."""
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            yield start, end


# Ordinary English words that are also first names or surnames. A name on this list is matched alone only
# with strong evidence (capitalised, next to child or staff context), so "every rose has its thorn",
# "max capacity" and "the castle trip" stay clean even when Rose, Max and Miss Castle are on the lists.
COMMON_WORD_NAMES = frozenset(
    """
    rose holly max poppy sunny autumn summer winter spring jade lily kai grace will may june april august
    hope faith joy daisy jack ruby amber pearl crystal ivy violet iris heather hazel willow river sky skye
    storm rain dawn eve mercy honor honour patience chance chase hunter archer mason cash king rex duke prince
    bill bob pat sue penny rob mark frank grant dean drew gene art ray rusty sandy robin wren lark jay dove
    star angel destiny harmony melody liberty journey precious blossom bonnie clementine olive cherry berry
    saffron sage rosemary basil bay brook brooke cliff dale glen forest ash aspen oak rowan reed cole miles
    lane wade ford field hall marsh paris chelsea florence sydney london india asia georgia jordan nova luna
    stella indigo scarlett ginger sugar honey jet flint stone rocky tiger bear fox wolf buddy teddy happy
    lucky noble mac kit sonny sunny bliss blue red gray grey green brown white black young long short little
    small castle baker smith wood woods hill hills cook cooper turner walker wright clark clarke carter
    porter fisher taylor butler mills gardener gardner shepherd parker bishop church chapel abbey bridge
    bridges well wells pool poole brook street page price cross knight bull lamb swan crane peacock hawk
    finch sparrow parrot nightingale rice bacon banks barber bell bolt bond booth bush cannon chambers
    day dyer frost gold golden hart hunt lord love marsh moon north south west east new newman noble
    parish pike rich salt sharp sheriff spencer steel sterling strong sweet tanner thatcher vine
    wall walls ward waters wise woodward west cloud snow mist haze hail thunder tide wave ocean lake
    bay cove sands marina coral flora fauna holiday friday monday sunday tuesday phoenix
    blessing gift justice legend royal saint ace echo ember blaze raven opal onyx
    mercedes bentley porsche harley rio brooklyn dallas lourdes trent romeo juliet
    oscar emmy barley wheat corn hay heath moss meadow fell settle
    january february march july september october november december
    gruff seren piper
    """.split()
)
