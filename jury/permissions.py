"""Who may act on a jury session: predicates shared by the views (what they offer) and the
services (what they allow)."""

from cqp.permissions import is_secretariat


def presides(user, session) -> bool:
    """The session's president records its decisions."""
    return session.president is not None and session.president.user_id == user.pk


def can_steer(user, session) -> bool:
    """The secretariat or the session's president opens and closes it."""
    return is_secretariat(user) or presides(user, session)
