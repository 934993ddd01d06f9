"""French elision and agreement in templates (cqp.french):

    {% load french %}
    {% blocktranslate with of_name=candidacy.candidate|de %}Candidature {{ of_name }}…
    {{ role_label|lower|de }}               → « d'évaluateur externe »
    {{ candidate.civility|agree:"né,née,date de naissance" }}

In English, `de`, `que` and `le` give the word alone: the translation says « of » itself.
"""

from django import template

from .. import french

register = template.Library()

register.filter("elides", french.elides)
register.filter("de", french.de)
register.filter("que", french.que)
register.filter("le", french.le)


@register.filter
def agree(civility, forms: str) -> str:
    """`forms` is « masculine,feminine,neutral »: the one for the stated civility."""
    masculine, feminine, neutral = forms.split(",")
    return french.agree(civility, masculine, feminine, neutral)
