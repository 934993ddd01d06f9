"""The rows of the deliberation dashboard written in Python rather than by a template loop
(templates/jury/session_dashboard.html): 20 rows of eight cells, each cell's variables
resolved and tested by the template language, were 1.5 ms of a page a jury reloads as it
deliberates. `{{ rows|dashboard_table_rows }}` writes the markup the loop wrote, from the
plain values of jury.presenters.dashboard_rows."""

import functools

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from ..presenters import DashboardRow

register = template.Library()


@register.filter
def dashboard_table_rows(rows: list[DashboardRow]) -> SafeString:
    """One `<tr>` a candidacy of the dashboard: the candidate (the row's header), the
    pathway, the organisation, whether the dossier is complete, the evaluators' signed
    results, the links to the dossier's pieces, the recusals, the decision or the link to
    take it. Each cell labelled (`data-label`) for the narrow screens' stacked table."""
    said = _dashboard_texts(get_language())
    return mark_safe("\n".join(_row(row, said) for row in rows))  # noqa: S308 (escaped there)


@functools.lru_cache(maxsize=8)
def _dashboard_texts(language: str) -> dict[str, str]:
    """The dashboard's column labels and fixed texts, translated and escaped once per
    language."""
    texts = {
        "candidat": gettext_noop("Candidat"),
        "voie": gettext_noop("Voie"),
        "organisation": gettext_noop("Organisation"),
        "dossier": gettext_noop("Dossier"),
        "resultats": gettext_noop("Résultats des évaluateurs"),
        "documents": gettext_noop("Documents"),
        "recusations": gettext_noop("Récusations"),
        "decision": gettext_noop("Décision"),
        "complete": gettext_noop("complet, transmis"),
        "incomplete": gettext_noop("incomplet"),
        "no_result": gettext_noop("aucun résultat signé"),
        "no_recusal": gettext_noop("aucune"),
        "fiche": gettext_noop("Fiche de décision"),
        "decide": gettext_noop("Décider"),
        "president_recused": gettext_noop("président récusé"),
        "waiting": gettext_noop("à décider"),
    }
    return {key: escape(gettext(text)) for key, text in texts.items()}


def _row(r: DashboardRow, said: dict[str, str]) -> str:
    name = escape(r.name)
    if r.complete:
        dossier = f'<span class="badge badge--valide">{said["complete"]}</span>'
    else:
        dossier = f'<span class="badge badge--expiree">{said["incomplete"]}</span>'
    if r.results:
        results = f'<ul class="plain-list jury-results">{r.results}</ul>'
    else:
        results = f'<span class="assessment-muted">{said["no_result"]}</span>'
    if r.recusals:
        recusals = (
            '<ul class="plain-list jury-recusals">'
            + "".join(
                f"<li>{escape(member)} <small>({escape(reason)})</small></li>"
                for member, reason in r.recusals
            )
            + "</ul>"
        )
        if r.presided_by:
            recusals += f"<small>{escape(r.presided_by)}</small>"
    else:
        recusals = f'<span class="assessment-muted">{said["no_recusal"]}</span>'
    if r.outcome:
        decision = (
            f'<span class="badge badge--state badge--{escape(r.outcome)}">'
            f"{escape(r.outcome_label)}</span>"
        )
        if r.certificate:
            decision += f"<br><small>{escape(r.certificate)}</small>"
        decision += "<br>"
    elif r.status == "recused":
        decision = f'<span class="badge badge--expiree">{said["president_recused"]}</span><br>'
    elif r.status == "waiting":
        decision = f'<span class="assessment-muted">{said["waiting"]}</span><br>'
    else:
        decision = ""
    fiche = escape(r.fiche_url)
    hidden = f'<span class="visually-hidden"> — {name}</span>'
    if r.status == "decide":
        decision += f'<a class="button button--small" href="{fiche}">{said["decide"]}{hidden}</a>'
    else:
        decision += f'<a href="{fiche}">{said["fiche"]}{hidden}</a>'
    return (
        f'<tr id="deliberation-{int(r.pk)}">\n'
        f'    <th scope="row" data-label="{said["candidat"]}">{name}</th>\n'
        f'    <td data-label="{said["voie"]}">{escape(r.pathway)}</td>\n'
        f'    <td data-label="{said["organisation"]}">{escape(r.organisation)}</td>\n'
        f'    <td data-label="{said["dossier"]}">{dossier}</td>\n'
        f'    <td data-label="{said["resultats"]}">{results}</td>\n'
        f'    <td data-label="{said["documents"]}"><ul class="plain-list jury-documents">'
        f"{r.documents}</ul></td>\n"
        f'    <td data-label="{said["recusations"]}">{recusals}</td>\n'
        f'    <td data-label="{said["decision"]}">\n      {decision}\n    </td>\n'
        "  </tr>"
    )
