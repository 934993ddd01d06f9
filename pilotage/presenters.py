"""The page's figures as charts: each a title, a sentence saying what it shows, the data the
script draws (passed with json_script) and the same figures as a table, for whoever does not
see the chart or runs no JavaScript."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates.enums import DECISION_STATES, State

from .stats import EXIT_STATES, month_label

EXIT_LABELS = {
    State.CERTIFIE: gettext_lazy("Certifiées"),
    State.PARTIEL: gettext_lazy("Validations partielles"),
    State.NON_CERTIFIE: gettext_lazy("Non certifiées"),
    State.NON_RECEVABLE: gettext_lazy("Non recevables"),
    State.ABANDONNE: gettext_lazy("Abandons"),
}


def _number(value, decimals=0) -> str:
    if value is None:
        return "—"
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True)


def _percent(value) -> str:
    return "—" if value is None else f"{_number(value, 1)} %"


def chart(key, title, caption, labels, series, table_head, table_rows, **options) -> dict:
    """`table_head`: the header of the table's first column (what its rows are), then of the
    others."""
    return {
        "id": f"graphique-{key}",
        "data_id": f"graphique-{key}-donnees",
        "title": title,
        "caption": caption,
        "empty": not any(v for s in series for v in s["data"] if v),
        "data": {
            "type": options.get("type", "bar"),
            "stacked": options.get("stacked", False),
            "horizontal": options.get("horizontal", False),
            "unit": options.get("unit", ""),
            "labels": [str(label) for label in labels],
            "series": [{"label": str(s["label"]), "data": s["data"]} for s in series],
        },
        "table": {"caption": title, "head": table_head, "rows": table_rows},
    }


def _compared(rows, label_key="label"):
    """Series and table rows for figures given for the period and the previous one."""
    series = [
        {"label": _("Période"), "data": [r["current"] for r in rows]},
        {"label": _("Période précédente"), "data": [r["previous"] for r in rows]},
    ]
    table = [[r[label_key], _number(r["current"]), _number(r["previous"])] for r in rows]
    return series, table


SESSIONS_SHOWN = 24


def _sessions_caption(sessions: list) -> str:
    if len(sessions) > SESSIONS_SHOWN:
        return _(
            "Pour les %(shown)d dernières sessions tenues pendant la période, sur %(total)d : "
            "les candidats certifiés, partiellement validés et non certifiés."
        ) % {"shown": SESSIONS_SHOWN, "total": len(sessions)}
    return _(
        "Pour chaque session tenue pendant la période : les candidats certifiés, "
        "partiellement validés et non certifiés."
    )


def charts(figures: dict) -> list[dict]:
    flows, durations = figures["flows"], figures["durations"]
    outcomes, recevabilite = figures["outcomes"], figures["recevabilite"]
    withdrawals, habilitations, jury = (
        figures["withdrawals"],
        figures["habilitations"],
        figures["jury"],
    )
    per_month = flows["per_month"]
    # The latest sessions only: a chart of more bars is not read (the sessions' export
    # gives them all).
    sessions = outcomes["sessions"][-SESSIONS_SHOWN:]

    def compared_head(corner):
        return [corner, _("Période"), _("Période précédente")]

    result = [
        chart(
            "flux",
            _("Entrées et sorties par mois"),
            _(
                "Chaque mois de la période : les candidatures ouvertes et celles qui sont "
                "sorties du dispositif, par issue."
            ),
            [month_label(row["month"]) for row in per_month],
            [{"label": _("Entrées"), "data": [row["entering"] for row in per_month]}]
            + [
                {"label": EXIT_LABELS[s], "data": [row.get(s, 0) for row in per_month]}
                for s in EXIT_STATES
            ],
            [_("Mois"), _("Entrées")] + [EXIT_LABELS[s] for s in EXIT_STATES],
            [
                [month_label(row["month"]), _number(row["entering"])]
                + [_number(row.get(s, 0)) for s in EXIT_STATES]
                for row in per_month
            ],
        ),
        chart(
            "etapes",
            _("Candidatures par étape aujourd'hui"),
            _("Le nombre de candidatures à chaque étape du dispositif à ce jour."),
            [row["label"] for row in flows["now"]],
            [{"label": _("Candidatures"), "data": [row["n"] for row in flows["now"]]}],
            [_("Étape"), _("Candidatures")],
            [[row["label"], _number(row["n"])] for row in flows["now"]],
            horizontal=True,
        ),
        chart(
            "durees",
            _("Durée des étapes (en jours)"),
            _(
                "Pour les étapes terminées pendant la période : la durée médiane (la moitié des "
                "candidatures a été plus rapide) et le 90e centile (9 sur 10 plus rapides), en jours."
            ),
            [row["label"] for row in durations],
            [
                {"label": _("Médiane"), "data": [row["current_median"] for row in durations]},
                {"label": _("90e centile"), "data": [row["current_p90"] for row in durations]},
            ],
            [
                _("Étape"),
                _("Médiane"),
                _("90e centile"),
                _("Étapes terminées"),
                _("Médiane (période précédente)"),
                _("90e centile (période précédente)"),
            ],
            [
                [
                    row["label"],
                    _number(row["current_median"], 1),
                    _number(row["current_p90"], 1),
                    _number(row["current_n"]),
                    _number(row["previous_median"], 1),
                    _number(row["previous_p90"], 1),
                ]
                for row in durations
            ],
            unit=_("jours"),
        ),
        chart(
            "sessions",
            _("Décisions du jury par session"),
            _sessions_caption(outcomes["sessions"]),
            [formats.date_format(row["date"], "SHORT_DATE_FORMAT") for row in sessions],
            [
                {"label": EXIT_LABELS[s], "data": [row[s] for row in sessions]}
                for s in DECISION_STATES
            ],
            [_("Session du"), _("Décisions")] + [EXIT_LABELS[s] for s in DECISION_STATES],
            [
                [formats.date_format(row["date"], "SHORT_DATE_FORMAT"), _number(row["total"])]
                + [f"{_number(row[s])} ({_percent(row[f'{s}_rate'])})" for s in DECISION_STATES]
                for row in sessions
            ],
            stacked=True,
        ),
    ]
    series, rows = _compared(recevabilite["decisions"])
    result.append(
        chart(
            "recevabilite",
            _("Décisions de recevabilité"),
            _("Les décisions du secrétariat sur les demandes de VAE, par nature."),
            [row["label"] for row in recevabilite["decisions"]],
            series,
            compared_head(_("Décision")),
            rows,
        )
    )
    series, rows = _compared(withdrawals["by_step"])
    result.append(
        chart(
            "abandons",
            _("Abandons par étape"),
            _("Les candidatures abandonnées, selon l'étape qu'elles ont quittée."),
            [row["label"] for row in withdrawals["by_step"]],
            series,
            compared_head(_("Étape quittée")),
            rows,
        )
    )
    result.append(
        chart(
            "habilitations",
            _("Habilitations en cours"),
            _(
                "Les habilitations valables le dernier jour de la période, par type, et celles "
                "qui arrivent à échéance dans les 60 jours sans avoir été renouvelées."
            ),
            [row["label"] for row in habilitations],
            [
                {"label": _("Valables"), "data": [row["current_valid"] for row in habilitations]},
                {
                    "label": _("À échéance sous 60 jours"),
                    "data": [row["current_expiring"] for row in habilitations],
                },
            ],
            [
                _("Type"),
                _("Valables"),
                _("À échéance sous 60 jours"),
                _("Valables (période précédente)"),
                _("À échéance (période précédente)"),
            ],
            [
                [
                    row["label"],
                    _number(row["current_valid"]),
                    _number(row["current_expiring"]),
                    _number(row["previous_valid"]),
                    _number(row["previous_expiring"]),
                ]
                for row in habilitations
            ],
        )
    )
    series, rows = _compared(jury["present"])
    result.append(
        chart(
            "presences",
            _("Membres du jury présents, par collège"),
            _(
                "Le nombre de présences des membres du jury aux sessions tenues, "
                "pour chaque collège."
            ),
            [row["label"] for row in jury["present"]],
            series,
            compared_head(_("Collège")),
            rows,
        )
    )
    return result


def result_rows(outcomes: dict) -> list[list[str]]:
    """The jury's decisions by outcome in each period, with their rates."""
    current, previous = outcomes["current"], outcomes["previous"]
    labels = {
        State.CERTIFIE: _("Certification totale"),
        State.PARTIEL: _("Validation partielle"),
        State.NON_CERTIFIE: _("Non-certification"),
    }
    rows = [
        [
            labels[s],
            f"{_number(current[s])} ({_percent(current[f'{s}_rate'])})",
            f"{_number(previous[s])} ({_percent(previous[f'{s}_rate'])})",
        ]
        for s in DECISION_STATES
    ]
    rows.append([_("Total des décisions"), _number(current["total"]), _number(previous["total"])])
    partials = outcomes["partials"]
    rows.append(
        [
            _("Validations partielles de la période complétées depuis, avant leur échéance"),
            f"{_number(partials['current_completed'])} / {_number(partials['current'])}",
            f"{_number(partials['previous_completed'])} / {_number(partials['previous'])}",
        ]
    )
    return rows


def key_figures(figures: dict) -> list[dict]:
    """The headline figures, each with the previous period's."""
    flows, outcomes = figures["flows"], figures["outcomes"]
    leaving = flows["leaving"]
    recevabilite_step = next(r for r in figures["durations"] if r["key"] == "recevabilite")
    partials = outcomes["partials"]
    return [
        {
            "label": _("Candidatures ouvertes"),
            "current": _number(flows["entering"]["current"]),
            "previous": _number(flows["entering"]["previous"]),
        },
        {
            "label": _("Sorties du dispositif"),
            "current": _number(sum(r["current"] for r in leaving)),
            "previous": _number(sum(r["previous"] for r in leaving)),
        },
        {
            "label": _("Décisions du jury"),
            "current": _number(outcomes["current"]["total"]),
            "previous": _number(outcomes["previous"]["total"]),
        },
        {
            "label": _("Taux de certification totale"),
            "current": _percent(outcomes["current"]["certifie_rate"]),
            "previous": _percent(outcomes["previous"]["certifie_rate"]),
        },
        {
            "label": _("Taux de validation partielle"),
            "current": _percent(outcomes["current"]["partiel_rate"]),
            "previous": _percent(outcomes["previous"]["partiel_rate"]),
        },
        {
            "label": _("Taux de non-certification"),
            "current": _percent(outcomes["current"]["non_certifie_rate"]),
            "previous": _percent(outcomes["previous"]["non_certifie_rate"]),
        },
        {
            "label": _("Validations partielles complétées depuis"),
            "current": _percent(partials["current_rate"]),
            "previous": _percent(partials["previous_rate"]),
        },
        {
            "label": _("Demandes de recevabilité déposées"),
            "current": _number(figures["recevabilite"]["requests"]["current"]),
            "previous": _number(figures["recevabilite"]["requests"]["previous"]),
        },
        {
            "label": _("Délai médian de décision de recevabilité (jours)"),
            "current": _number(recevabilite_step["current_median"], 1),
            "previous": _number(recevabilite_step["previous_median"], 1),
        },
        {
            "label": _("Abandons"),
            "current": _number(figures["withdrawals"]["total"]["current"]),
            "previous": _number(figures["withdrawals"]["total"]["previous"]),
        },
        {
            "label": _("Sessions de jury tenues"),
            "current": _number(figures["jury"]["held"]["current"]),
            "previous": _number(figures["jury"]["held"]["previous"]),
        },
    ]
