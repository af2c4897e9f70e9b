"""Remove personal data from answers before any quote is shown or exported.

Redaction errs on the side of removing too much: a lost digit in a quote costs little,
a published phone number costs a great deal. The original text is kept only in the
fitted model, for an officer who is permitted to see it.

:func:`find` returns what would be removed, as spans of the original text with their
kind; :func:`redact` replaces each span with its placeholder. Every pattern is linear
in the length of the text (bounded repetitions, no nested unbounded ones), so a
hostile answer cannot stall an analysis; ``tests/analysis/test_redact.py`` times a few.

What is found, in brief (the catalogue in ``analysis/data/redaction_cases.txt`` and
``python -m analysis.redact_eval`` measure it; docs/analysis.md has the figures):

* e-mail addresses, also written out ("jane dot doe at gmail dot com", "jane(at)x(dot)com");
* UK and international phone numbers, also with every digit spaced or dotted out, or
  said in words ("oh seven seven double oh nine...");
* postcodes, National Insurance and NHS numbers;
* addresses: a house number and a street ("14 Mill Lane", "Flat 3, 12 High Street"),
  or a named house and its street ("Rose Cottage, Mill Lane");
* names: after an introduction ("my name is", "I am", "I'm", "this is"), a title
  ("Mr Patel", "Dr. Okafor"), a family member ("my son Jack"), a member of staff
  ("the librarian Sue", "a lady called Margaret"), thanks ("thank you Priya"), asking
  or telling ("ask for Priya"), a sign-off ("Regards, Mary", "Cheers, Tom" or a name
  alone on the last line), and a known first name after "with" or "especially".

Capital letters carry most of the weight for names; where they are no guide (an answer
all in lower case or all in capitals) a list of common first names does
(``analysis/data/first_names.txt``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["KINDS", "PLACEHOLDERS", "Span", "find", "redact"]

# Kind → placeholder, in order of precedence when two findings overlap.
KINDS: dict[str, str] = {
    "email": "[email]",
    "ni": "[NI number]",
    "nhs": "[NHS number]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "address": "[address]",
    "name": "[name]",
}
PLACEHOLDERS = tuple(KINDS.values())
_PRECEDENCE = {kind: i for i, kind in enumerate(KINDS)}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, order=True)
class Span:
    """Characters ``start:end`` of the original text are personal data of this kind."""

    start: int
    end: int
    kind: str


# --- e-mail addresses --------------------------------------------------------------

_PROVIDERS = (
    r"(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|btinternet|btopenworld|aol|talktalk|virginmedia"
    r"|protonmail|ntlworld|tiscali|blueyonder|ymail)"
)
_TLD = (
    r"(?:com|org|net|uk|co|gov|ac|nhs|sch|edu|info|me|io|biz|eu|ie|de|fr|es|it|nl|pl|us|ca|au|in"
    r"|email|online|scot|wales|cymru|london)"
)
_DOT_WORD = r"(?:\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+dot\s+)"
# "jo@x.com", "jo @ x . com", "jo(at)x(dot)com", "jo[at]gmail": an @ (or at in brackets) is enough.
_EMAIL = re.compile(
    rf"(?<![\w.+'’-])[\w.+'’-]+(?:{_DOT_WORD}[\w.+'’-]+){{0,4}}\s*(?:@|＠|[(\[{{]\s*at\s*[)\]}}])\s*"
    rf"(?:[\w-]+(?:(?:\s*\.\s*|{_DOT_WORD})[\w-]+){{1,6}}|{_PROVIDERS}\b)",
    re.I,
)
# "jane dot doe at gmail dot com", "jane.doe at hotmail.co.uk", "janedoe at hotmail": the
# word "at" is everyday English, so the domain must end in a known ending or be a provider.
# Found from each " at ": the domain after it, then the mailbox just before it.
# The space after "at" is looked at, not taken, so "jo dot at at gmail dot com" (a mailbox
# whose last word is "at") still finds its second "at".
_AT_WORD = re.compile(r"\s+at(?=\s)", re.I)
_SPACES = re.compile(r"\s*")
_DOMAIN_WORDS = re.compile(
    rf"(?!www\b)(?:[\w-]+(?:(?:\.|{_DOT_WORD})[\w-]+){{0,4}}(?:\.|{_DOT_WORD}){_TLD}\b"
    rf"|{_PROVIDERS}\b(?:(?:\.|{_DOT_WORD})[\w-]+){{0,3}})",
    re.I,
)
_MAILBOX_WORDS = re.compile(
    rf"(?<![\w.+'’-])[\w+'’-]+(?:(?:\.|{_DOT_WORD}|\s+underscore\s+)[\w+'’-]+){{0,4}}\Z", re.I
)
_MAILBOX_REACH = 200
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \t]\Z")
_EMAIL_HINT = re.compile(r"[@＠]|[(\[{]\s*at\s*[)\]}]", re.I)
# "more details at oxfordshire.gov.uk" is a web address, not somebody's e-mail.
_NOT_MAILBOXES = _words(
    "details detail info information look looked available online found book booking books order "
    "ordered buy bought shop visit see read listed advertised website site page here there it them "
    "more help apply register renew join sign events event us"
)

# --- numbers -----------------------------------------------------------------------

# National Insurance: two letters, six digits, one letter A-D, optionally spaced.
# Deliberately broad (any two letters), so HMRC's own example "QQ 12 34 56 C" is caught.
# Letters apart from the digits only in capitals: "is 077009 00987" is a phone number.
_NI = re.compile(r"\b(?:[A-Z]{2}[\s-]?|(?i:[a-z]{2}))\d{2}[\s-]?\d{2}[\s-]?\d{2}(?:[\s-]?[A-Da-d])?\b")
# NHS numbers are ten digits, usually written 3-3-4.
_NHS = re.compile(r"(?<![\d+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d])")
# UK phone numbers: +44 or 0 then 9-10 more digits, with spaces, dashes, dots or brackets
# anywhere, even between every digit ("0 7 7 0 0 ..."); and other countries' +NN numbers.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?44\s?\(?0?\)?|\(?0)[\s.\-()]{0,3}\d(?:[\s.\-()]{0,3}\d){8,9}(?!\d)"
    r"|(?<![\w+])\+\s?\d{1,3}(?:[\s.\-()]{0,2}\d){7,12}(?!\d)"
)
# Any ten or more digits written one at a time ("9 4 3 4 7 6 5 9 1 9"): somebody hiding a number.
_SPACED_DIGITS = re.compile(r"(?<![\w+])\d(?:[ .\-]\d){9,15}(?!\d)")
# UK postcodes, with or without the space, any case; also a bare outward code + sector.
_DIGIT = re.compile(r"\d")
_POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.I,
)

# --- addresses ---------------------------------------------------------------------

# A house number: "14", "22b", "14-16"; not a year ("in 2019 the main road...").
_HOUSE = r"(?!(?:19|20)\d\d\b)\d{1,4}[A-Za-z]?(?:[ \t]*[-–/][ \t]*\d{1,4}[A-Za-z]?)?"
_FLAT = r"(?:(?i:flat|apartment|apt|unit|suite)\.?[ \t]*\d{1,4}[A-Za-z]?[ \t]*,?[ \t]*)"
_NUMBERED = r"(?:(?i:no|number)\.?[ \t]*)"
_STREET_TYPES = (
    "Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Cl|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|"
    "Gardens|Gdns|Grove|Terrace|Tce|Square|Sq|Hill|Park|Mews|Row|Walk|Rise|View|Green|Parade|Pde|"
    "Yard|Vale|Meadow|Meadows|Fields|Wharf|Quay|Gate|Mead|Chase|Croft|End|Grange|Cottages|Villas|"
    "Estate|Boulevard|Hollow|Brow|Wynd|Path|Heights|Approach|Broadway|Circus|Embankment|Passage|"
    "Promenade|Lawn|Lawns|Orchard|Paddock|Copse|Glade|Dene|Leys"
)
# Street types that are not everyday words, so "14 mill lane" counts even in lower case.
_PLAIN_TYPES = r"(?i:street|road|lane|avenue|crescent|gardens|terrace|mews|cottages|rd|st|ave)"
_CAP_WORD = r"(?:[A-Z][\w'’\-]*\.?)"
# "14 Mill Lane", "Flat 3, 12 High Street", "22b Station Road", "No. 5 The Close".
_ADDRESS = re.compile(
    rf"(?<![\w£$€.,:/\-]){_FLAT}?{_NUMBERED}?{_HOUSE},?[ \t]+"
    rf"(?:The[ \t]+(?:{_CAP_WORD}[ \t]+){{0,2}}|(?:{_CAP_WORD}[ \t]+){{1,3}})"
    rf"(?:(?:{_STREET_TYPES})|{_PLAIN_TYPES})\b"
)
# A named house and its street: "Rose Cottage, Mill Lane".
_NAMED_HOUSE = re.compile(
    rf"(?<![\w'’\-])(?:{_CAP_WORD}[ \t]+){{1,3}}(?:Cottage|Farmhouse|Farm|Lodge|Barn|Villa|Bungalow|House|"
    rf"Rectory|Vicarage)[ \t]*,[ \t]*(?:The[ \t]+)?(?:{_CAP_WORD}[ \t]+){{1,3}}(?:{_STREET_TYPES})\b"
)
# In lower case only after a word that leads to an address ("i live at 14 mill lane"):
# "we need 20 new street lights" is not an address. After a word like "at" or "on" a
# length of time or a count is not a street ("closed for 3 days road works"); after
# "live", "address" or "reside" any word but a little one can be ("i live at 1 day street").
_LITTLE_WORDS = r"the|a|an|and|or|to|of|in|on|at|for|from|my|our|by|near|off|with"
_LOWER_WORD = (
    rf"(?!(?:{_LITTLE_WORDS}|every|each|per|times?|mins?"
    r"|minutes?|hours?|hrs?|days?|weeks?|months?|years?|miles?|yards?|metres?|meters?|km|people|children"
    r"|kids|books|new|more|extra|other|different|busy|busiest|quiet|back|side|separate|major|minor|local"
    r"|olds?)\b)[^\W\d_][\w'’\-]*"
)
_ANY_LOWER_WORD = rf"(?!(?:{_LITTLE_WORDS})\b)[^\W\d_][\w'’\-]*"


def _address_after(cues: str, word: str) -> re.Pattern[str]:
    """A lower-case address straight after one of ``cues``, its street named by 1–3 ``word``s."""
    return re.compile(
        rf"\b(?:{cues})\b[ \t]*(?:(?:is|at|on|in|of|to)[ \t]+)?[:,\-]?[ \t]*"
        rf"(?P<address>{_FLAT}?{_NUMBERED}?{_HOUSE},?[ \t]+"
        rf"(?:the[ \t]+(?:{word}[ \t]+){{0,2}}|(?:{word}[ \t]+){{1,3}}){_PLAIN_TYPES}\b)",
        re.I,
    )


_ADDRESS_AFTER_CUES = (
    _address_after("live|lives|living|lived|address|addr|reside|resides|residing", _ANY_LOWER_WORD),
    _address_after("moved|move|home|house|at|on|to|from|near|opposite|in|of", _LOWER_WORD),
)

# --- names -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    text = resources.files("analysis").joinpath("data/first_names.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


# Words that are never the first word of a name, however they are typed.
_NOT_NAMES = _words(
    "a an the and but or nor if so as i im i'm me my mine myself we us our ours you your yours he him his "
    "she her hers it its they them their this that these those is was were be been being am are have has "
    "had do does did not no yes very really just also too quite still even only always never often here "
    "there where when why how what which who whom whose from in at on to for of with without about "
    "because by into onto over under after before since until than then local library libraries mum "
    "dad mother father resident residents parent parents student students user users member members "
    "all any some every each both either neither one two three four five six seven eight nine ten "
    "again please thanks thank sorry hi hello dear ok okay however although though anyway meanwhile "
    "therefore otherwise unfortunately fortunately luckily sadly overall finally yet"
)
_CALENDAR = _words(
    "monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays "
    "fridays saturdays sundays january february march april may june july august september october "
    "november december spring summer autumn winter christmas easter eid diwali "
    "weekend weekends today tomorrow tonight"
)
# Words that start with a capital for reasons other than being a name: after "I am",
# "thanks", "this is", in a signature... (places are not listed: a place lost from a
# quote costs little).
_COMMON = (
    _NOT_NAMES
    | _CALENDAR
    | _words(
        # organisations and places in general
        "council county city town borough district team staff service services centre center trust "
        "hall school college university group society club friends branch museum archive archives "
        "history heritage network partnership foundation charity nhs gp surgery church chapel mosque "
        "temple street road lane avenue park green square house court estate station market shopping "
        "high village community government website app online google facebook twitter instagram amazon "
        "kindle "
        # nationalities, languages, faiths, identities
        "british english scottish welsh irish european polish indian pakistani bangladeshi chinese "
        "african caribbean asian black white mixed jewish muslim christian catholic protestant "
        "anglican methodist hindu sikh buddhist atheist agnostic deaf blind disabled autistic dyslexic "
        "adhd lgbt lgbtq lgbtq+ gay lesbian bisexual trans american french german italian spanish "
        "portuguese romanian ukrainian russian turkish kurdish arab arabic urdu punjabi bengali somali "
        "nigerian ghanaian kenyan filipino japanese korean vietnamese thai nepali tamil gujarati "
        "hungarian lithuanian latvian czech slovak greek dutch bsl "
        # roles
        "chair chairman chairwoman chairperson secretary treasurer head headteacher manager volunteer "
        "volunteers councillor trustee governor teacher nurse doctor doc pensioner carer grandparent "
        "grandmother grandfather nan gran retired unemployed reader readers borrower visitor regular "
        "writer author artist officer librarian librarians assistant worker employee president "
        "director leader organiser coordinator owner customer customers patron patrons everyone "
        "everybody anyone somebody someone guys folks all lot lots loads heaps much you yourself "
        "yourselves god goodness heaven heavens lord "
        # adjectives and the like, after "I am" or "this is"
        "happy unhappy sad angry cross disappointed delighted pleased grateful thankful sure glad "
        "concerned worried afraid appalled shocked disgusted upset annoyed frustrated fed tired sick "
        "fine well old new young aged absolutely totally completely extremely highly deeply truly now "
        "writing responding replying commenting asking hoping looking lucky fortunate proud aware "
        "unable able interested keen passionate supportive opposed against great good brilliant "
        "amazing excellent fantastic wonderful lovely nice terrible awful poor bad important essential "
        "vital free open closed keen glad many best wishes regards cheers love kind warm sincerely "
        "faithfully yours truly bye"
    )
)
_TITLE_NOT_NAMES = _words("men who seuss christmas martens")
# After a name typed in lower case (or all in capitals), the next word is taken as a
# surname unless it is a common word or reads as a verb ("mrs jenkins recommended").
_VERBS = _words(
    "said says told tells asked asks run runs work works help helps came comes went goes gave gives "
    "got gets made makes took takes think thinks thought know knows knew love loves like likes want "
    "wants need needs use uses read reads always usually lives live"
)
_DOCTOR_NOT_NAMES = _TITLE_NOT_NAMES | _words(
    "appointment appointments surgery surgeries practice receptionist referral letter note notes "
    "said says told visit visits waiting office recommended prescribed suggested advised asked"
)
_STOP = ENGLISH_STOP_WORDS | _NOT_NAMES

_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_INITIAL = re.compile(r"[A-Z]\.?[ \t]+(?=[A-Z])|[A-Z]\.(?=[A-Z])")
_GAP = re.compile(r"[ \t]+")
_AND = re.compile(r"[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+", re.I)
_TAIL = re.compile(r"(?:[\W_]|\bx{1,4}\b)*\Z", re.I)
_LETTERS = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:\A|[.!?\n])[\s\"'“‘(]*([^\W\d_]+)")
_SMALL_WORDS = _words(
    "a an the and or but to of in on at for with is are was am be it my we you this that so not have "
    "has very our from"
)

_FAMILY = (
    r"son|sons|daughter|daughters|child|children|kids?|boy|boys|girl|girls|husband|wife|partner|mum|mother|"
    r"mom|mam|mummy|dad|father|daddy|nan|nana|nanna|gran|granny|grandma|grandmother|grandad|granddad|grandpa|"
    r"grandfather|grandson|grandsons|granddaughter|granddaughters|grandchild|grandchildren|grandkids|brother|"
    r"sister|twins|baby|toddler|niece|nephew|aunt|auntie|aunty|uncle|cousin|friend|neighbour|neighbor|carer|"
    r"fianc[eé]e?|stepson|stepdaughter|boyfriend|girlfriend"
)
# Each group introduces a name; how sure the introduction is decides what may follow.
_INTRO = re.compile(
    r"(?P<strong>\bmy[ \t]+name[ \t]+is\b|\bmy[ \t]+name['’]?s\b|\bmy[ \t]+names\b|\bi[ \t]+am[ \t]+called\b|"
    r"\bi['’]?m[ \t]+called\b|\bname[ \t]*[:\-–])\s*"
    r"|(?P<weak>\b(?:this[ \t]+is|i[ \t]+am|i['’]m|im|call[ \t]+me|known[ \t]+as|signed|regards|"
    r"librarian|volunteer|assistant|manager|staff[ \t]+member|member[ \t]+of[ \t]+staff|nurse|doctor|"
    r"receptionist|teacher|caretaker|cleaner|driver|tutor|coach|helper|"
    r"(?:lady|man|woman|gentleman|girl|boy|guy|chap|fellow|person|librarian|volunteer|someone|somebody|lad|"
    r"lass)[ \t]+(?:called|named|by[ \t]+the[ \t]+name[ \t]+of)|ask(?:ed)?[ \t]+for|"
    r"(?:speak|spoke|speaking|talk|talked|talking)[ \t]+to|tell|told)\b|\bfrom[ \t]*:)[ \t]*[,:]?\s*"
    r"|(?P<list>\b(?:many[ \t]+)?(?:thanks|thank[ \t]+you|thankyou)(?:[ \t]+(?:so|very)[ \t]+much)?"
    r"(?:[ \t]+(?:to|again))?|\b(?:my|our)[ \t]+(?:(?:little|eldest|youngest|older|younger|oldest|late|"
    rf"lovely|elderly|baby|teenage|adult|twin|step|grand)[ \t]*-?[ \t]*)?(?:{_FAMILY}))\b[ \t]*,?\s*"
    # Sign-offs count only at the start of a line or sentence and only when the name ends
    # the answer: "I love Oxford" is not signed by Oxford.
    r"|(?P<ending>(?:\A|(?<=[\n.!?,;])|(?<=[\n.!?,;][ \t]))[ \t]*(?:cheers|love|lots[ \t]+of[ \t]+love|"
    r"best[ \t]+wishes|warm[ \t]+wishes|all[ \t]+the[ \t]+best|yours[ \t]+(?:sincerely|faithfully|truly)|"
    r"sincerely|with[ \t]+(?:love|thanks|best[ \t]+wishes)|bye|ta)\b[ \t]*[,.!]?\s*)"
    # Everyday words before which only a known first name counts: "with Rachel", not "with Kindle".
    r"|(?P<known>\b(?:with|especially|particularly|including)\b[ \t]*,?[ \t]*)",
    re.I,
)
# The words an introduction can start with (the first word of each choice above).
_INTRO_WORDS = _words(
    "my our name i i'm i’m im this call known signed regards from librarian volunteer assistant "
    "manager nurse doctor receptionist teacher caretaker cleaner driver tutor coach helper staff "
    "member lady man woman gentleman girl boy guy chap fellow person someone somebody lad lass many "
    "thanks thank thankyou cheers love lots best warm all yours sincerely with bye ta ask asked "
    "speak spoke speaking talk talked talking tell told especially particularly including"
)
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# A phone number said in words: eight or more number words in a row.
_NUMBER_WORDS = _words(
    "zero oh o nought nil one two three four five six seven eight nine double triple treble hundred"
)
_NUMBER_GAP = re.compile(r"[\s,.\-]{1,3}")
_SPELT_NUMBER_WORDS = 8
# "Great library - Sarah": a dash, then a name that ends the answer.
_DASH = re.compile(r"(?:\A|(?<=\s))[-–—~]+[ \t]*(?=[^\W\d_])")
# Titles: case matters ("MS" and "ms" are often multiple sclerosis or Microsoft, "miss" a verb).
_TITLE = re.compile(
    r"(?<![\w'’])(?:(?P<cap>Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Rev|Revd|Reverend|Cllr|Councillor)"
    r"|(?P<caps>MR|MRS|MS|MISS|MX|DR|PROF|REV|REVD|CLLR)|(?P<low>mr|mrs|mx|dr|cllr))\.?[ \t]+"
)
_TITLE_WORDS = _words(
    "Mr Mrs Ms Miss Mx Dr Prof Professor Rev Revd Reverend Cllr Councillor MR MRS MS MISS MX DR PROF "
    "REV REVD CLLR mr mrs mx dr cllr"
)
_ANY_WORDS = _INTRO_WORDS | _NUMBER_WORDS | {word.lower() for word in _TITLE_WORDS}


def _base(word: str) -> str:
    low = word.lower()
    return low[:-2] if low.endswith(("'s", "’s")) else low


class _Names:
    """Finds the names in one text. Whether capitals mean anything is worked out once, when needed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cased: bool | None = None
        self.spelt_numbers: list[tuple[int, int]] = []

    @property
    def cased(self) -> bool:
        """False for an answer in capitals, or In Title Case Like This: capitals say nothing there.
        Title Case shows in small words ("And", "The") capitalised in mid-sentence."""
        if self._cased is None:
            text = self.text
            if not any(ch.islower() for ch in text):
                self._cased = False
            else:
                starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
                small = capitals = 0
                for word in _LETTERS.finditer(text):
                    if word.group(0).lower() in _SMALL_WORDS and word.start() not in starts:
                        small += 1
                        capitals += word.group(0)[0].isupper()
                self._cased = not (small >= 2 and capitals * 2 > small)
        return self._cased

    def _first(self, word: str, mode: str, initialled: bool) -> bool:
        base = _base(word)
        if base in _NOT_NAMES:
            return False
        if mode == "strong" or (initialled and word[0].isupper()):  # "A. Reader" is somebody
            return True
        if mode == "title":
            return word[0].isupper() and base not in _TITLE_NOT_NAMES
        if mode == "title_lower":  # "mr patel"; but "my dr appointment" is not a name
            return word[0].isupper() or (base not in _STOP and base not in _DOCTOR_NOT_NAMES)
        if base in _COMMON or len(base) < 2:  # "from A - B"
            return False
        if mode == "known":
            return base in _first_names() and (word[0].isupper() or not self.cased)
        return base in _first_names() or (word[0].isupper() and self.cased)

    def end(self, pos: int, mode: str) -> int:
        """Where the name starting at ``pos`` ends (up to three words), or -1 if none starts there."""
        text = self.text
        end, count, loose = -1, 0, False
        cursor = pos
        while count < 3:
            initial = _INITIAL.match(text, cursor) if count < 2 and (mode != "weak" or self.cased) else None
            if initial is not None:
                cursor = initial.end()
            word = _NAME_WORD.match(text, cursor)
            if word is None:
                break
            token = word.group(0)
            if count == 0:
                if not self._first(token, mode, initial is not None and "." in initial.group(0)):
                    break
                loose = not self.cased or not token[0].isupper()
            else:
                base = _base(token)
                if loose:  # capitals are no guide: a surname, unless it reads as a verb
                    if (
                        base in _COMMON
                        or base in _STOP
                        or base in _VERBS
                        or (len(base) > 4 and base.endswith("ed"))
                    ):
                        break
                elif not token[0].isupper() or base in _NOT_NAMES or base in _CALENDAR:
                    break  # a capitalised surname may be an everyday word: Green, Hall, King
            end, count = word.end(), count + 1
            if loose and count >= 2:
                break
            gap = _GAP.match(text, end)
            if gap is None:
                break
            cursor = gap.end()
        return end

    def _intro(self, match: re.Match[str], found: list[tuple[int, int]]) -> None:
        text = self.text
        group = match.lastgroup or "weak"
        end = self.end(match.end(), group if group in ("strong", "known") else "weak")
        if end < 0:
            return
        names = [(match.end(), end)]
        while group in ("list", "ending") and (more := _AND.match(text, end)) is not None:
            after = self.end(more.end(), "weak")
            if after < 0:
                break
            names.append((more.end(), after))
            end = after
        if group == "ending" and _TAIL.match(text, end) is None:
            return
        found.extend(names)

    def _title(self, match: re.Match[str], found: list[tuple[int, int]]) -> None:
        text = self.text
        if match.group("caps") == "MS" and self.cased:
            return
        if text[max(0, match.start() - 7) : match.start()].lower().endswith("little "):
            return  # Little Miss Sunshine
        end = self.end(match.end(), "title_lower" if match.group("low") else "title")
        if end >= 0:
            found.append((match.start(), end))

    def find(self) -> list[tuple[int, int]]:
        """(start, end) of each name. Introductions and titles are looked for only where a
        word that can begin one stands, which keeps this fast on long answers. Numbers
        spelt out in words ("oh seven seven double oh...") are collected on the way, in
        :attr:`spelt_numbers`."""
        text = self.text
        found: list[tuple[int, int]] = []
        run_start, run_end, run = 0, 0, 0
        for token in _TOKEN.finditer(text):
            word = token.group(0)
            low = word.lower()
            if low not in _ANY_WORDS:
                continue
            if low in _NUMBER_WORDS:
                if run and _NUMBER_GAP.fullmatch(text, run_end, token.start()):
                    run += 1
                else:
                    if run >= _SPELT_NUMBER_WORDS:
                        self.spelt_numbers.append((run_start, run_end))
                    run_start, run = token.start(), 1
                run_end = token.end()
            if low in _INTRO_WORDS and (match := _INTRO.match(text, token.start())) is not None:
                self._intro(match, found)
            if word in _TITLE_WORDS and (match := _TITLE.match(text, token.start())) is not None:
                self._title(match, found)
        if run >= _SPELT_NUMBER_WORDS:
            self.spelt_numbers.append((run_start, run_end))
        if "-" in text or "–" in text or "—" in text or "~" in text:
            for match in _DASH.finditer(text):
                end = self.end(match.end(), "weak")
                if end >= 0 and _TAIL.match(text, end) is not None:
                    found.append((match.end(), end))
        # A name alone on the last line: "...\nSarah Jones".
        newline = text.rfind("\n")
        if newline >= 0:
            start = newline + 1
            while start < len(text) and text[start] in " \t-–—~":
                start += 1
            end = self.end(start, "weak")
            if end >= 0 and _TAIL.match(text, end) is not None:
                found.append((start, end))
        return found


# --- putting it together -----------------------------------------------------------


def find(text: str) -> list[Span]:
    """The personal data in ``text``: sorted, non-overlapping spans of the original text.

    Where two findings overlap they become one span (the union), of the kind that comes
    first in :data:`KINDS`.
    """
    text = str(text)
    spans: list[Span] = []
    if _EMAIL_HINT.search(text):
        spans.extend(Span(m.start(), m.end(), "email") for m in _EMAIL.finditer(text))
    for at in _AT_WORD.finditer(text):
        after = _SPACES.match(text, at.end())
        domain = _DOMAIN_WORDS.match(text, after.end() if after else at.end())
        if domain is None or text[domain.end() : domain.end() + 1] == "/":  # a web address
            continue
        mailbox = _MAILBOX_WORDS.search(text, max(0, at.start() - _MAILBOX_REACH), at.start())
        if mailbox is not None and mailbox.group(0).lower() not in _NOT_MAILBOXES:
            start = mailbox.start()
            # "jane doe at gmail dot com": a first name just before belongs to the address.
            before = _WORD_BEFORE.search(text, max(0, start - 40), start)
            if before is not None and before.group(1).lower() in _first_names():
                start = before.start()
            spans.append(Span(start, domain.end(), "email"))
    if "," in text:
        spans.extend(Span(m.start(), m.end(), "address") for m in _NAMED_HOUSE.finditer(text))
    if _DIGIT.search(text):  # every pattern below needs a digit
        for pattern, kind in (
            (_NI, "ni"),
            (_PHONE, "phone"),
            (_SPACED_DIGITS, "phone"),
            (_NHS, "nhs"),
            (_POSTCODE, "postcode"),
            (_ADDRESS, "address"),
        ):
            spans.extend(Span(m.start(), m.end(), kind) for m in pattern.finditer(text))
        spans.extend(
            Span(m.start("address"), m.end("address"), "address")
            for pattern in _ADDRESS_AFTER_CUES
            for m in pattern.finditer(text)
        )
    names = _Names(text)
    spans.extend(Span(start, end, "name") for start, end in names.find() if end > start)
    spans.extend(Span(start, end, "phone") for start, end in names.spelt_numbers)
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, span.kind, key=_PRECEDENCE.__getitem__)
            merged[-1] = Span(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged


def redact(text: str) -> str:
    """Replace e-mail addresses, phone, NI and NHS numbers, postcodes, addresses and names."""
    text = str(text)
    out: list[str] = []
    pos = 0
    for span in find(text):
        out.append(text[pos : span.start])
        out.append(KINDS[span.kind])
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
