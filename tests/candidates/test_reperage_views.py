"""The professionnel's pages: livret de repérage, parcours plan, mise en pratique."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import Candidacy, ParcoursAction, ReperageEntry, TransitionLog
from cqp.models import CompetenceElement, Habilitation
from evaluations import services as evaluation_services
from tests.factories import CandidacyFactory, ParcoursActionFactory, VaeCandidacyFactory
from tests.helpers import flash_messages, page_text, query_count

pytestmark = pytest.mark.django_db

DATE_ERROR = "La date de fin doit être postérieure ou égale à la date de début."


def _assign(candidacy, secretariat, professionnel, evaluateur):
    services.candidacy_assign(
        candidacy=candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur
    )
    return candidacy


@pytest.fixture
def candidacy(own_org, candidat, secretariat, professionnel, evaluateur):
    return _assign(
        CandidacyFactory(organisation=own_org, candidate__user=candidat),
        secretariat,
        professionnel,
        evaluateur,
    )


@pytest.fixture
def pro_client(client, professionnel):
    client.force_login(professionnel)
    return client


def _elements(candidacy):
    return list(
        CompetenceElement.objects.filter(competence__certification=candidacy.certification)
        .select_related("competence")
        .order_by("competence__number", "number")
    )


def _livret(candidacy, to_develop=(), only=None, action="draft"):
    """POST data: every element `acquis`, except those of the competences numbered in
    `to_develop` whose first element is `a_developper`; `only` limits to some competences."""
    data = {"expected_state": candidacy.state, "action": action}
    for element in _elements(candidacy):
        number = element.competence.number
        if only is not None and number not in only:
            continue
        develop = number in to_develop and element.number == 1
        data[f"status_{element.pk}"] = "a_developper" if develop else "acquis"
        data[f"comment_{element.pk}"] = f"Vu en entretien ({element.code})"
        data[f"need_{element.pk}"] = "Formation à prévoir" if develop else ""
    return data


def _complete_reperage(candidacy, professionnel, to_develop=(2, 5)):
    entries = {
        int(key.removeprefix("status_")): {"status": value}
        for key, value in _livret(candidacy, to_develop).items()
        if key.startswith("status_")
    }
    services.reperage_save(candidacy=candidacy, by=professionnel, entries=entries)
    services.run_transition(name="complete_reperage", candidacy=candidacy, by=professionnel)
    return candidacy


def _planned_codes(candidacy):
    return sorted(
        f"C{n}"
        for n in ParcoursAction.objects.filter(
            candidacy=candidacy, cycle=candidacy.cycle
        ).values_list("competence__number", flat=True)
    )


# Livret de repérage ------------------------------------------------------------------------


def test_reperage_draft_save_keeps_values(pro_client, candidacy):
    url = reverse("reperage_edit", args=[candidacy.pk])
    first, second = _elements(candidacy)[:2]
    data = {
        "expected_state": "reperage",
        "action": "draft",
        f"status_{first.pk}": "a_developper",
        f"comment_{first.pk}": "Ne connaît pas encore les financements",
        f"need_{first.pk}": "Module OPCO",
        f"comment_{second.pk}": "À revoir",
    }

    response = pro_client.post(url, data)

    assert response.status_code == 302 and response.url == url
    entries = {e.element_id: e for e in ReperageEntry.objects.filter(candidacy=candidacy)}
    assert set(entries) == {first.pk, second.pk}
    assert (
        entries[first.pk].status,
        entries[first.pk].comment,
        entries[first.pk].training_need,
    ) == ("a_developper", "Ne connaît pas encore les financements", "Module OPCO")
    assert (entries[second.pk].status, entries[second.pk].comment) == ("", "À revoir")
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"

    page = pro_client.get(url)
    text = page_text(page)
    assert "Livret enregistré (brouillon)." in flash_messages(page)
    assert f"1 élément sur {len(_elements(candidacy))} renseigné" in text
    assert "Ne connaît pas encore les financements" in text
    assert page.context["form"][f"status_{first.pk}"].value() == "a_developper"
    assert f'value="a_developper" id="id_status_{first.pk}_1" checked' in text


def test_reperage_page_lists_every_element_grouped_by_competence(pro_client, candidacy):
    response = pro_client.get(reverse("reperage_edit", args=[candidacy.pk]))
    text = page_text(response)
    elements = _elements(candidacy)

    assert response.status_code == 200
    assert f"0 élément sur {len(elements)} renseigné" in text
    assert text.count('class="competence-block"') == 6
    assert text.count('class="element-block"') == len(elements)
    for element in elements:
        assert f'name="status_{element.pk}"' in text
        assert f'name="comment_{element.pk}"' in text
        assert f'name="need_{element.pk}"' in text
    assert 'name="action" value="draft"' in text and 'name="action" value="complete"' in text


def test_reperage_too_long_comment_shows_error_next_to_field_and_saves_nothing(
    pro_client, candidacy
):
    element = _elements(candidacy)[0]
    data = _livret(candidacy)
    data[f"comment_{element.pk}"] = "x" * 2001

    response = pro_client.post(reverse("reperage_edit", args=[candidacy.pk]), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [f"comment_{element.pk}"]
    assert form[f"need_{element.pk}"].value() == data[f"need_{element.pk}"]
    assert form[f"status_{element.pk}"].value() == "acquis"
    assert "Le livret n'a pas été enregistré" in page_text(response)
    assert not ReperageEntry.objects.filter(candidacy=candidacy).exists()


def test_reperage_complete_with_missing_elements_keeps_draft_and_says_what_is_missing(
    pro_client, candidacy
):
    url = reverse("reperage_edit", args=[candidacy.pk])

    response = pro_client.post(url, _livret(candidacy, only={1}, action="complete"))

    # The page comes back (no redirect) with the draft saved and each gap marked.
    assert response.status_code == 200
    elements = _elements(candidacy)
    gaps = [e for e in elements if e.competence.number != 1]
    assert flash_messages(response) == [
        "Brouillon enregistré, mais le repérage n'est pas terminé : "
        f"{len(gaps)} éléments restent sans appréciation."
    ]
    text = page_text(response)
    assert text.split("<title>", 1)[1].startswith("Erreur : Livret de repérage")
    summary = text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Le brouillon est enregistré, mais le livret n'est pas terminé" in summary
    assert f"Le formulaire contient {len(gaps)} erreurs :" in summary
    linked = re.findall(r'<a href="#id_status_(\d+)_0">', summary)
    assert linked == [str(e.pk) for e in gaps]
    for element in gaps:
        assert re.search(
            rf'<fieldset class="element-block element-block--error" id="element-{element.pk}" '
            rf'aria-describedby="id_status_{element.pk}_error">',
            text,
        )
        assert re.search(rf'name="status_{element.pk}"[^>]*aria-invalid="true"', text)
    first = elements[0]
    assert f'id="element-{first.pk}" aria-describedby' not in text
    assert "Livret enregistré (brouillon)." not in text
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"
    c1 = [e for e in _elements(candidacy) if e.competence.number == 1]
    assert ReperageEntry.objects.filter(candidacy=candidacy, status="acquis").count() == len(c1)
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()


def test_reperage_complete_generates_the_plan_for_the_competences_to_develop(
    pro_client, candidacy, professionnel
):
    url = reverse("reperage_edit", args=[candidacy.pk])

    response = pro_client.post(url, _livret(candidacy, to_develop={2, 5}, action="complete"))

    assert response.status_code == 302
    assert response.url == reverse("plan_detail", args=[candidacy.pk])
    candidacy.refresh_from_db()
    assert candidacy.state == "parcours"
    assert _planned_codes(candidacy) == ["C2", "C5"]
    log = TransitionLog.objects.filter(candidacy=candidacy).last()
    assert (log.transition, log.actor, log.source, log.target) == (
        "complete_reperage",
        professionnel,
        "reperage",
        "parcours",
    )
    page = pro_client.get(response.url)
    assert flash_messages(page) == [
        "Repérage terminé : le parcours a été généré pour les compétences à développer."
    ]


def test_reperage_newcomer_is_prefilled_to_develop_and_covers_every_competence(
    client, own_org, secretariat, professionnel, evaluateur
):
    candidacy = _assign(
        CandidacyFactory(organisation=own_org, is_newcomer=True),
        secretariat,
        professionnel,
        evaluateur,
    )
    client.force_login(professionnel)
    url = reverse("reperage_edit", args=[candidacy.pk])
    form = client.get(url).context["form"]
    elements = _elements(candidacy)
    assert {form[f"status_{e.pk}"].value() for e in elements} == {"a_developper"}

    # Submit what the browser sends for the form as shown.
    data = {name: form[name].value() for name in form.fields}
    response = client.post(url, {**data, "action": "complete"})

    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.state == "parcours"
    assert _planned_codes(candidacy) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert ReperageEntry.objects.filter(candidacy=candidacy, status="a_developper").count() == len(
        elements
    )


def test_reperage_of_a_newcomer_keeps_what_was_already_assessed(
    client, own_org, secretariat, professionnel, evaluateur
):
    candidacy = _assign(
        CandidacyFactory(organisation=own_org, is_newcomer=True),
        secretariat,
        professionnel,
        evaluateur,
    )
    first, second = _elements(candidacy)[:2]
    services.reperage_save(
        candidacy=candidacy, by=professionnel, entries={first.pk: {"status": "acquis"}}
    )
    client.force_login(professionnel)

    form = client.get(reverse("reperage_edit", args=[candidacy.pk])).context["form"]

    assert form[f"status_{first.pk}"].value() == "acquis"
    assert form[f"status_{second.pk}"].value() == "a_developper"


@pytest.mark.parametrize("role", ["candidat", "gestionnaire", "evaluateur", "secretariat"])
def test_reperage_is_read_only_for_others_and_their_post_is_refused(
    client, actors, candidacy, professionnel, role
):
    element = _elements(candidacy)[0]
    services.reperage_save(
        candidacy=candidacy,
        by=professionnel,
        entries={element.pk: {"status": "acquis", "comment": "Maîtrisé en entretien"}},
    )
    client.force_login(actors[role])
    url = reverse("reperage_edit", args=[candidacy.pk])

    page = client.get(url)
    text = page_text(page)
    assert page.status_code == 200
    assert page.context["form"] is None
    assert 'name="status_' not in text and "lecture seule" in text
    assert "Maîtrisé en entretien" in text and "Acquis" in text

    response = client.post(url, _livret(candidacy, action="complete"))

    assert response.status_code == 403
    assert list(
        ReperageEntry.objects.filter(candidacy=candidacy).values_list("comment", flat=True)
    ) == ["Maîtrisé en entretien"]
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"


def test_reperage_professionnel_with_lapsed_habilitation_cannot_edit(
    pro_client, candidacy, professionnel
):
    Habilitation.objects.filter(user=professionnel).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    url = reverse("reperage_edit", args=[candidacy.pk])

    page = pro_client.get(url)
    assert page.status_code == 200 and page.context["form"] is None

    response = pro_client.post(url, _livret(candidacy))

    assert response.status_code == 403
    assert not ReperageEntry.objects.filter(candidacy=candidacy).exists()


def test_reperage_is_read_only_once_completed(pro_client, candidacy, professionnel):
    _complete_reperage(candidacy, professionnel)

    page = pro_client.get(reverse("reperage_edit", args=[candidacy.pk]))

    assert page.context["form"] is None
    assert "Le repérage est terminé" in page_text(page)
    total = len(_elements(candidacy))
    assert f"{total} éléments sur {total} renseignés" in page_text(page)


def test_reperage_page_query_count_does_not_depend_on_the_livret(
    pro_client, candidacy, professionnel
):
    url = reverse("reperage_edit", args=[candidacy.pk])
    pro_client.get(url)  # warm the per-process caches (content types, sessions)
    empty = query_count(pro_client, url)
    data = _livret(candidacy, to_develop={1, 2, 3})
    entries = {
        element.pk: {
            "status": data[f"status_{element.pk}"],
            "comment": data[f"comment_{element.pk}"],
            "training_need": data[f"need_{element.pk}"],
        }
        for element in _elements(candidacy)
    }
    services.reperage_save(candidacy=candidacy, by=professionnel, entries=entries)

    full = query_count(pro_client, url)

    assert full == empty


def test_reperage_read_only_query_count_does_not_depend_on_the_livret(
    client, candidat, candidacy, professionnel
):
    client.force_login(candidat)
    url = reverse("reperage_edit", args=[candidacy.pk])
    client.get(url)
    empty = query_count(client, url)
    _complete_reperage(candidacy, professionnel)

    assert query_count(client, url) == empty


def test_vae_candidacy_has_no_livret(client, candidat, own_org):
    candidacy = VaeCandidacyFactory(organisation=own_org, candidate__user=candidat)
    client.force_login(candidat)

    assert client.get(reverse("reperage_edit", args=[candidacy.pk])).status_code == 404
    assert client.get(reverse("plan_detail", args=[candidacy.pk])).status_code == 404


def test_a_vae_continued_after_a_partial_validation_follows_a_parcours(
    pro_client, candidat, own_org, secretariat, professionnel, evaluateur
):
    """partiel -> parcours holds for both pathways: the VAE candidacy gets a plan, its
    mise en pratique, and can be evaluated again (it still has no livret)."""
    candidacy = _assign(
        VaeCandidacyFactory(organisation=own_org, candidate__user=candidat, state="partiel"),
        secretariat,
        professionnel,
        evaluateur,
    )
    services.run_transition(name="continue_after_partial", candidacy=candidacy, by=professionnel)
    assert pro_client.get(reverse("reperage_edit", args=[candidacy.pk])).status_code == 404
    assert pro_client.get(reverse("plan_detail", args=[candidacy.pk])).status_code == 200
    response = pro_client.post(
        reverse("practice_confirm", args=[candidacy.pk]), {"note": "Missions confiées en mai."}
    )
    assert response.status_code == 302
    evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel)
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("evaluation", 2)


# Outsiders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["reperage_edit", "plan_detail", "plan_action_add", "plan_action_edit", "practice_confirm"],
)
def test_outsider_gets_404_on_every_page(client, outsider, candidacy, professionnel, name):
    _complete_reperage(candidacy, professionnel)
    action = ParcoursAction.objects.filter(candidacy=candidacy).first()
    args = [candidacy.pk, action.pk] if name == "plan_action_edit" else [candidacy.pk]
    client.force_login(outsider)
    url = reverse(name, args=args)

    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "x", "provider": "x", "kind": "formation"}).status_code == 404
    candidacy.refresh_from_db()
    assert candidacy.practice_confirmed_on is None
    assert ParcoursAction.objects.filter(candidacy=candidacy).count() == 2


# Parcours ----------------------------------------------------------------------------------


def test_plan_before_reperage_is_complete_shows_the_empty_state(pro_client, candidacy):
    response = pro_client.get(reverse("plan_detail", args=[candidacy.pk]))

    assert response.status_code == 200
    assert "Le parcours sera généré à la fin du repérage." in page_text(response)
    assert "Cycles précédents" not in page_text(response)


def test_plan_lists_the_actions_with_edit_links_for_the_professionnel(
    pro_client, candidacy, professionnel
):
    _complete_reperage(candidacy, professionnel, to_develop=(5, 2))
    c2, c5 = ParcoursAction.objects.filter(candidacy=candidacy).order_by("competence__number")
    c5.provider = "Formapro"
    c5.start_date = datetime.date(2026, 3, 2)
    c5.end_date = datetime.date(2026, 3, 20)
    c5.done = True
    c5.save()

    response = pro_client.get(reverse("plan_detail", args=[candidacy.pk]))
    text = page_text(response)

    assert [a.pk for a in response.context["plans"][0]["actions"]] == [c2.pk, c5.pk]
    assert text.index(c2.competence.title) < text.index(c5.competence.title)
    assert "Formapro" in text and "du 02/03/2026 au 20/03/2026" in text
    assert reverse("plan_action_edit", args=[candidacy.pk, c2.pk]) in text
    assert reverse("plan_action_edit", args=[candidacy.pk, c5.pk]) in text
    assert reverse("plan_action_add", args=[candidacy.pk]) in text


def test_plan_is_read_only_for_the_candidate(client, candidat, candidacy, professionnel):
    _complete_reperage(candidacy, professionnel)
    action = ParcoursAction.objects.filter(candidacy=candidacy).first()
    client.force_login(candidat)

    text = page_text(client.get(reverse("plan_detail", args=[candidacy.pk])))

    assert action.competence.title in text
    assert reverse("plan_action_edit", args=[candidacy.pk, action.pk]) not in text
    assert reverse("plan_action_add", args=[candidacy.pk]) not in text
    edit_url = reverse("plan_action_edit", args=[candidacy.pk, action.pk])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {"kind": "formation", "provider": "Pirate"}).status_code == 403
    action.refresh_from_db()
    assert action.provider == ""


def test_plan_shows_earlier_cycles_read_only(
    pro_client, own_org, secretariat, professionnel, evaluateur
):
    candidacy = _assign(
        CandidacyFactory(organisation=own_org, state="parcours", cycle=2),
        secretariat,
        professionnel,
        evaluateur,
    )
    competences = list(candidacy.certification.competences.order_by("number"))
    old = ParcoursActionFactory(
        candidacy=candidacy, cycle=1, competence=competences[0], provider="Ancien organisme"
    )
    current = ParcoursActionFactory(
        candidacy=candidacy, cycle=2, competence=competences[3], provider="Nouvel organisme"
    )

    text = page_text(pro_client.get(reverse("plan_detail", args=[candidacy.pk])))

    assert "Cycles précédents" in text
    assert (
        text.index("Nouvel organisme")
        < text.index("Cycles précédents")
        < text.index("Ancien organisme")
    )
    assert reverse("plan_action_edit", args=[candidacy.pk, current.pk]) in text
    assert reverse("plan_action_edit", args=[candidacy.pk, old.pk]) not in text
    assert (
        pro_client.get(reverse("plan_action_edit", args=[candidacy.pk, old.pk])).status_code == 404
    )


def test_plan_action_edit_saves_the_action(pro_client, candidacy, professionnel):
    _complete_reperage(candidacy, professionnel)
    action = ParcoursAction.objects.filter(candidacy=candidacy).first()
    url = reverse("plan_action_edit", args=[candidacy.pk, action.pk])
    assert pro_client.get(url).status_code == 200

    response = pro_client.post(
        url,
        {
            "kind": "situation_travail",
            "provider": "Tutrice : Mme Martin",
            "description": "Préparer trois conventions de formation",
            "start_date": "2026-03-01",
            "end_date": "2026-03-31",
            "done": "on",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("plan_detail", args=[candidacy.pk]), 302)]
    assert flash_messages(response) == ["Action du parcours enregistrée."]
    action.refresh_from_db()
    assert (action.kind, action.provider, action.start_date, action.end_date, action.done) == (
        "situation_travail",
        "Tutrice : Mme Martin",
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
        True,
    )


def test_plan_action_edit_end_before_start_shows_the_error_and_keeps_the_input(
    pro_client, candidacy, professionnel
):
    _complete_reperage(candidacy, professionnel)
    action = ParcoursAction.objects.filter(candidacy=candidacy).first()
    url = reverse("plan_action_edit", args=[candidacy.pk, action.pk])

    response = pro_client.post(
        url,
        {
            "kind": "formation",
            "provider": "Organisme Alpha",
            "start_date": "2026-03-10",
            "end_date": "2026-03-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"end_date": [DATE_ERROR]}
    text = page_text(response)
    assert DATE_ERROR in text
    assert 'value="Organisme Alpha"' in text
    assert 'value="2026-03-10"' in text and 'value="2026-03-01"' in text
    action.refresh_from_db()
    assert (action.provider, action.start_date, action.end_date) == ("", None, None)


def test_plan_action_of_another_candidacy_is_404(
    pro_client, candidacy, own_org, secretariat, professionnel, evaluateur
):
    other = _assign(CandidacyFactory(organisation=own_org), secretariat, professionnel, evaluateur)
    _complete_reperage(candidacy, professionnel)
    _complete_reperage(other, professionnel)
    foreign = ParcoursAction.objects.filter(candidacy=other).first()

    url = reverse("plan_action_edit", args=[candidacy.pk, foreign.pk])

    assert pro_client.get(url).status_code == 404
    assert pro_client.post(url, {"kind": "formation", "provider": "X"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.provider == ""


def test_plan_action_add_offers_only_the_competences_of_the_plan(
    pro_client, candidacy, professionnel
):
    _complete_reperage(candidacy, professionnel, to_develop=(2, 5))
    url = reverse("plan_action_add", args=[candidacy.pk])
    competences = {c.number: c for c in candidacy.certification.competences.all()}

    form = pro_client.get(url).context["form"]
    assert [c.number for c in form.fields["competence"].queryset] == [2, 5]

    refused = pro_client.post(url, {"competence": competences[1].pk, "kind": "formation"})
    assert refused.status_code == 200 and "competence" in refused.context["form"].errors

    response = pro_client.post(
        url, {"competence": competences[5].pk, "kind": "situation_travail", "provider": "Tuteur"}
    )
    assert response.status_code == 302
    assert _planned_codes(candidacy) == ["C2", "C5", "C5"]
    added = ParcoursAction.objects.filter(candidacy=candidacy).order_by("pk").last()
    assert (added.competence.number, added.kind, added.provider, added.cycle) == (
        5,
        "situation_travail",
        "Tuteur",
        1,
    )


# Mise en pratique --------------------------------------------------------------------------


def test_practice_confirm_requires_a_note(pro_client, candidacy, professionnel):
    _complete_reperage(candidacy, professionnel)
    url = reverse("practice_confirm", args=[candidacy.pk])
    assert pro_client.get(url).status_code == 200

    response = pro_client.post(url, {"note": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "note": ["Décrivez la mise en pratique (missions confiées, période)."]
    }
    candidacy.refresh_from_db()
    assert candidacy.practice_confirmed_on is None


def test_practice_confirm_records_the_day_and_the_note(pro_client, candidacy, professionnel):
    _complete_reperage(candidacy, professionnel)
    url = reverse("practice_confirm", args=[candidacy.pk])

    response = pro_client.post(url, {"note": "Gestion des convocations, mars à mai"}, follow=True)

    assert response.redirect_chain == [(reverse("candidacy_detail", args=[candidacy.pk]), 302)]
    assert "Mise en pratique confirmée." in flash_messages(response)
    candidacy.refresh_from_db()
    assert candidacy.practice_confirmed_on == timezone.localdate()
    assert candidacy.practice_note == "Gestion des convocations, mars à mai"
    assert (
        TransitionLog.objects.filter(candidacy=candidacy, transition="confirm_practice").count()
        == 1
    )


@pytest.mark.parametrize("role", ["candidat", "gestionnaire", "evaluateur"])
def test_practice_confirm_is_refused_to_others(client, actors, candidacy, professionnel, role):
    _complete_reperage(candidacy, professionnel)
    client.force_login(actors[role])
    url = reverse("practice_confirm", args=[candidacy.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"note": "Tentative"}).status_code == 403
    candidacy.refresh_from_db()
    assert (candidacy.practice_confirmed_on, candidacy.practice_note) == (None, "")


def test_practice_confirm_is_refused_during_reperage(pro_client, candidacy):
    response = pro_client.post(
        reverse("practice_confirm", args=[candidacy.pk]), {"note": "Trop tôt"}
    )

    assert response.status_code == 403
    assert Candidacy.objects.get(pk=candidacy.pk).practice_confirmed_on is None
