"""Tell English answers from Welsh ones and from answers in other languages.

This is a small offline check, meant for flagging answers that the English theme
model should not be trusted with, not a general language identifier. It counts
common English words, common Welsh words and Welsh spelling patterns ("dd", "ŵ", "w"
between consonants as in "cwm"), and looks at the script of the letters.

It returns "en" for English, "cy" for Welsh and "other" for anything else: another
language written in Latin letters (Polish, Spanish, French, Romanian …) or text
mostly in another script (Arabic, Chinese, Cyrillic …). Answers that cannot be
judged, such as "ok", emoji or numbers, count as English.
"""

from __future__ import annotations

import re
import unicodedata

from analysis.stopwords import STOP_WORDS

__all__ = ["is_english", "language_of"]

# Only this much of a very long answer is read.
_MAX_CHARS = 20_000
_WORD = re.compile(r"[^\W\d_]+")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# English words shared with other languages ("a", "to", "do" in Polish; "are" in
# Romanian; loan words such as "parking" and "wifi") count half.
_EN_WEAK = _word_set(
    """
    a i to in on no me so am up do are per via nor d m s t ll re ve parking wifi internet cafe café
    club clubs centre center bus buses taxi stop hotel sport film computer email online
    """
)
# English function words (the stop words of analysis.text, less those that are also
# words in other languages) and the everyday words of library and council consultations.
_EN_STRONG = (
    frozenset(STOP_WORDS - {"de", "con", "co", "un", "eg", "ie", "inc", "ltd", "etc", "ten", "six", "top"})
    | _word_set(
        """
        the and is was were be been being of for it its this that these those there their they them
        he she his her him we our us you your my with would could should will can cant have has had
        dont doesnt didnt isnt arent wasnt not but or if at by from as an some any all very too also
        just only what which who when where why how than then about like need needs want wants more
        most less much many lot lots really think feel get got going use used using new time times
        day days week weekend weekends people place area local community help helpful friendly space
        quiet toilets toilet coffee please thanks thank good great nice lovely better best bad worse
        worst love loved enjoy open opening opened closed closing close hours hour car park cars books
        book library libraries staff children kids child family families computers wifi events event
        activities activity room rooms building town village school schools older elderly young
        teenagers adults reading read story stories access accessible disabled wheelchair lift stairs
        free cost costs money council service services don won didn doesn isn aren wasn weren haven
        hasn couldn shouldn wouldn keep always never sometimes often again still even because before
        after during while until near far here now today yes yeah maybe sure well make made take took
        give see look find found know say said tell ask asked come came work works working job jobs
        one two three first last other others another each both few same different own enough quite
        rather sunday monday tuesday wednesday thursday friday saturday morning mornings evening
        evenings night late early later earlier longer shorter small big large little old younger
        something nothing anything everything someone anyone everyone things thing way ways year
        years month months hope wish brilliant excellent fantastic wonderful amazing happy easy hard
        """
    )
) - _EN_WEAK

# Common Welsh words, including mutated forms of everyday words (llyfrgell/lyfrgell,
# plant/blant/mhlant). Words shared with English or with other European languages
# ("a", "i", "y", "ar", "da", "ei", "eu", "na", "ni", "pan"…) are in _CY_WEAK.
_CY_STRONG = _word_set(
    """
    mae maen yn yr ac ydy ydw ydych ydyn yw oes dyw dydy dydw roedd roeddwn bydd byddai byddwn
    bydden fyddai gallu allu gallai gallwn galla hoffwn hoffai hoffi hoffen hoffech licio leiciwn
    dylai dylen rhaid angen eisiau isio moyn gyda gan gennym gen ddim nhw chi hefyd ond
    wedi bod fod fy dy eich hwn hon hyn hynny yma yno yna sy sydd nid neu fel mewn drwy trwy
    wrth dros heb rhwng ger tuag achos oherwydd felly hefo efo iawn diolch fawr mawr mwy llai gwell
    gwaeth gorau wych gwych braf neis hyfryd ardderchog llyfrgell lyfrgell llyfrgelloedd
    llyfr lyfr llyfrau lyfrau plant blant mhlant phlant oriau agor parcio cymraeg
    gymraeg saesneg cymru nghymru cymuned gymuned chymuned pobl bobl phobl ifanc hen newydd
    canolfan ganolfan adeilad tref dref pentref bentref ysgol wythnos penwythnos dydd ddydd nosweithiau
    noson bore fore prynhawn sul sadwrn llun mawrth mercher iau gwener amser bob pob popeth rhywbeth
    unrhyw dim byd ychydig llawer lawer gormod digon rhy cael gael chael gweld weld gwneud wneud
    mynd myned dod dewch helpu cyfrifiaduron gyfrifiaduron cyfrifiadur gyfrifiadur rhyngrwyd
    toiledau caffi lle mynediad cadeiriau olwyn grisiau drws ystafell gweithgareddau
    digwyddiadau ddigwyddiadau sesiynau stori straeon darllen ddarllen mhentref nghymuned
    peidiwch plis caru cau chau gau rwy rydw dw dwi rydyn
    gymaint croeso ddiolchgar gobeithio meddwl credu teimlo siŵr sicr efallai wirioneddol
    ardal cyngor gyngor gwasanaeth gwasanaethau bws fws fysiau trafnidiaeth cyrraedd gyrraedd
    """
)
_CY_WEAK = _word_set(
    """
    a i y o r n ar am at da dda ei eu na ni nos os pan tu hi fe ef mi un dau tri ti ai ie le nes mai
    fi ein wir
    """
)

# Welsh spelling that English words (almost) never have: "dd", a circumflex on w or y,
# "w" used as a vowel between consonants ("cwm", "gwneud"), and words starting
# "ll", "ff" or "rh" followed by a vowel or w.
_CY_SHAPE = re.compile(r"dd|[ŵŷ]|[^aeiouyw\W]w[^aeiouyw\W]|^(?:ll|ff)[aeiouwy]|^rh[aeiouwy]|wy[dnlr]")
# Common words of other European languages (Spanish, French, Polish, Romanian,
# German, Italian, Portuguese), and letters that English and Welsh do not use. One of
# these is needed before an answer with few English words is called "other", so an
# English answer made only of uncommon words ("Superb customer experience throughout")
# stays English.
_FOREIGN = _word_set(
    """
    el la los las del que en es un una por para con muy pero mas se su al lo como hay esta son tambien
    le les des du et est une pour avec dans sur pas plus tres mais je nous vous il elle ce qui au aux
    w z na nie się jest do to że jak ale bardzo dla po od ze są być więcej tak czy mnie mi
    și si de în cu pe este sunt nu mai pentru foarte dar ca că ce care din ar fi sa să
    der die das und ist nicht ein eine zu mit für auf sehr auch ich wir sie
    di che è per non molto sono della o os não uma com muito é são mais
    """
)
_FOREIGN_LETTERS = frozenset("ąćęłńśźżñ¿¡áíóúçèéêëàùûôîïœăâșşțţäöüßãõ")


def _latin_share(text: str) -> tuple[int, int]:
    """The number of Latin-script letters and of letters in any other script."""
    latin = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if code < 0x250 or 0x1E00 <= code <= 0x1EFF or 0x2C60 <= code <= 0x2C7F or 0xA720 <= code <= 0xA7FF:
            latin += 1
        elif code < 0x2000 and unicodedata.category(ch) in {"Lm", "Mn"}:
            continue  # modifier letters and combining marks
        else:
            other += 1
    return latin, other


def _words(text: str) -> list[str]:
    # Apostrophes split words, so "mae'r" gives "mae" and "r", "don't" gives "don" and "t".
    return _WORD.findall(text.replace("’", "'").replace("'", " "))


def language_of(text: str) -> str:
    """The language of an answer: "en" (English), "cy" (Welsh) or "other".

    Short answers of one or two words are English unless they are clearly Welsh
    ("Diolch", "Dim byd") or written in another script. English answers that mention
    Welsh place names ("I live in Llanelli") stay English. Never raises.
    """
    try:
        return _language_of(str(text))
    except Exception:  # noqa: BLE001 - a language flag must never stop an analysis
        return "en"


def is_english(text: str) -> bool:
    """True when :func:`language_of` judges the answer to be English."""
    return language_of(text) == "en"


def _language_of(text: str) -> str:
    text = unicodedata.normalize("NFC", text[:_MAX_CHARS]).lower()
    latin, other = _latin_share(text)
    if other > latin:
        return "other"
    words = _words(text)
    if not words:
        return "en"
    en = cy = shape = 0.0
    for word in words:
        if word in _EN_STRONG:
            en += 1
        elif word in _EN_WEAK:
            en += 0.5
        if word in _CY_STRONG:
            cy += 1
        elif word in _CY_WEAK:
            cy += 0.5
        elif word not in _EN_STRONG and _CY_SHAPE.search(word):
            shape += 1
    n = len(words)
    strong_cy = sum(1 for word in words if word in _CY_STRONG)
    if n < 3:
        if strong_cy and en == 0:
            return "cy"
        return "en"
    # Welsh words count fully and Welsh-looking words count half, but only once there
    # is at least one unmistakably Welsh word, so a Welsh place name is not enough.
    welsh = cy + 0.5 * shape if strong_cy else 0.0
    if strong_cy and welsh > en and welsh >= 0.25 * n:
        return "cy"
    if en >= 0.15 * n or n < 4:
        return "en"
    if any(word in _FOREIGN for word in words) or any(ch in _FOREIGN_LETTERS for ch in text):
        return "other"
    if strong_cy >= 2:
        return "cy"
    return "en"
