"""Who may act on a jury session: predicates shared by the views (what they offer) and the
services (what they allow)."""

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candidates.enums import State
from cqp.models import User
from cqp.permissions import is_secretariat

from .enums import College, SessionState
from .models import Deliberation, JuryMember, JurySession


def presides(user: User, session: JurySession) -> bool:
    """The session's president records its decisions."""
    return session.president is not None and session.president.user_id == user.pk


def can_steer(user: User, session: JurySession) -> bool:
    """The secretariat or the session's president opens and closes it."""
    return is_secretariat(user) or presides(user, session)


def presides_deliberation(user: User, deliberation: Deliberation) -> bool:
    """The president of this deliberation: the one named for it (the session's president
    being recused), else the session's."""
    president = deliberation.presiding_member
    return president is not None and president.user_id == user.pk


def can_record(user: User, deliberation: Deliberation, *, recused: Iterable[int] = ()) -> bool:
    """The deliberation's president, not recused on it (`recused`: the ids of the members
    recused), records an undecided fiche of a candidacy still before the jury, while the
    session is open (what the page offers: services.deliberation_record checks it again,
    with the quorum)."""
    return (
        presides_deliberation(user, deliberation)
        and deliberation.presiding_member.pk not in set(recused)
        and deliberation.session.state == SessionState.OPEN
        and not deliberation.is_decided
        and deliberation.candidacy.state == State.JURY
    )


def can_name_president(user: User, deliberation: Deliberation) -> bool:
    """The secretariat names another president for an undecided deliberation of a session
    not yet closed."""
    return (
        is_secretariat(user)
        and not deliberation.is_decided
        and deliberation.session.state != SessionState.CLOSED
    )


def quorum_problems(present_members: Iterable[JuryMember]) -> list[str]:
    """What keeps the present members from deliberating, in French (empty when the quorum is
    held): both colleges present and, with JURY_REQUIRE_PARITY, as many of each."""
    present_members = list(present_members)
    employeurs = sum(1 for m in present_members if m.college == College.EMPLOYEURS)
    salaries = sum(1 for m in present_members if m.college == College.SALARIES)
    problems = []
    if not employeurs:
        problems.append(_("aucun représentant du collège employeurs n'est présent"))
    if not salaries:
        problems.append(_("aucun représentant du collège salariés n'est présent"))
    if settings.JURY_REQUIRE_PARITY and employeurs and salaries and employeurs != salaries:
        problems.append(
            _("la parité n'est pas respectée (%(employeurs)s, %(salaries)s)")
            % {
                "employeurs": ngettext(
                    "%(n)d représentant des employeurs",
                    "%(n)d représentants des employeurs",
                    employeurs,
                )
                % {"n": employeurs},
                "salaries": ngettext(
                    "%(n)d représentant des salariés", "%(n)d représentants des salariés", salaries
                )
                % {"n": salaries},
            }
        )
    return problems


def deliberation_quorum_problems(
    present_members: Iterable[JuryMember], *, recused: Iterable[int] = ()
) -> list[str]:
    """`quorum_problems` for one deliberation: the members recused on its candidacy
    (`recused`: their ids) do not count."""
    recused = set(recused)
    return quorum_problems(m for m in present_members if m.pk not in recused)
