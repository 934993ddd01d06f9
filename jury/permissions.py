"""Who may act on a jury session: predicates shared by the views (what they offer) and the
services (what they allow)."""

from candidates.enums import State
from cqp.models import User
from cqp.permissions import is_secretariat

from .enums import SessionState
from .models import Deliberation, JurySession


def presides(user: User, session: JurySession) -> bool:
    """The session's president records its decisions."""
    return session.president is not None and session.president.user_id == user.pk


def can_steer(user: User, session: JurySession) -> bool:
    """The secretariat or the session's president opens and closes it."""
    return is_secretariat(user) or presides(user, session)


def can_record(user: User, deliberation: Deliberation) -> bool:
    """The president records an undecided fiche of a candidacy still before the jury, while
    the session is open (what the page offers: services.deliberation_record checks it again,
    with the quorum)."""
    return (
        presides(user, deliberation.session)
        and deliberation.session.state == SessionState.OPEN
        and not deliberation.is_decided
        and deliberation.candidacy.state == State.JURY
    )
