"""Writing French for the person: elision (« d'Inès », « l'évaluateur externe ») and
agreement with the civility a person stated, instead of « (e) » beside a name.

Where the product knows no civility (accounts, jury members: only candidates state one), the
templates use a neutral phrasing (« préside la séance », « présence ») rather than an
agreement; `agree` gives the neutral form then.
"""

import unicodedata

from django.utils import translation

# Words whose h is aspirated: no elision before them (« le handicap », « de Hugues »). Every
# other h is mute (« d'Hélène », « l'habilitation »).
ASPIRATED_H = frozenset(
    {"hall", "hameau", "handicap", "hangar", "harcèlement", "hasard", "haut", "hauteur"}
    | {"hiérarchie", "hollande", "hongrie", "hors", "hugues"}
)


def elides(word: str) -> bool:
    """Whether « de », « que », « le » / « la » lose their vowel before `word`: a vowel or
    a mute h (« Inès », « Évaluateur externe », « Hélène »; not « Paul », « Hugues »)."""
    word = str(word).strip()
    if not word:
        return False
    first = unicodedata.normalize("NFD", word[0].lower())[0]
    if first in "aeiouy":
        return True
    return first == "h" and word.split()[0].lower().rstrip(",.;:") not in ASPIRATED_H


def _french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")


def _elided(word, full: str, short: str) -> str:
    """`word` after the French particle `full` (« de ») or its elided form (« d' »); in
    another language, `word` alone (the translated sentence has its own words)."""
    word = str(word)
    if not _french():
        return word
    return f"{short}{word}" if elides(word) else f"{full} {word}"


def de(word) -> str:
    """« de Paul », « d'Inès », « d'évaluateur externe »."""
    return _elided(word, "de", "d'")


def que(word) -> str:
    """« que Paul », « qu'Inès »."""
    return _elided(word, "que", "qu'")


def le(word) -> str:
    """« le professionnel du secteur », « l'évaluateur externe » (a masculine noun)."""
    return _elided(word, "le", "l'")


def agree(civility: str, masculine: str, feminine: str, neutral: str) -> str:
    """The form that agrees with the person's stated civility (« madame », « monsieur »),
    or the neutral phrasing when none is stated: never « (e) »."""
    return {"madame": feminine, "monsieur": masculine}.get(civility or "", neutral)
