"""Who may do what on the shared core: predicates only, no queries beyond the user's own."""

import contextlib
import contextvars

from .models import HabilitationKind, MembershipRole, PlatformRole
from .user_facts import holders, read_facts, role_names

# Facts about the user read once per page: a page asks the same permission questions for
# every action it might offer. Only while reading (GET / HEAD, cqp.middleware.ReadMemo):
# a write re-reads everything, and so do services run outside a request.
_memo = contextvars.ContextVar("cqp_read_memo", default=None)


@contextlib.contextmanager
def read_memo():
    """Within this block, `memoised` answers each key once."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def in_read_memo() -> bool:
    return _memo.get() is not None


def memoised(key, compute):
    """`compute()`, once per `key` inside a read_memo block; every time outside one."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def recalled(key, default=None):
    """What `memoised` keeps for `key` in this read_memo block, without computing it."""
    memo = _memo.get()
    return default if memo is None else memo.get(key, default)


ROLE_LABELS = {
    PlatformRole.SECRETARIAT: PlatformRole.SECRETARIAT.label,
    PlatformRole.JURY: PlatformRole.JURY.label,
    MembershipRole.GESTIONNAIRE: MembershipRole.GESTIONNAIRE.label,
    MembershipRole.CANDIDAT: MembershipRole.CANDIDAT.label,
    HabilitationKind.PROFESSIONNEL: HabilitationKind.PROFESSIONNEL.label,
    HabilitationKind.EVALUATEUR: HabilitationKind.EVALUATEUR.label,
}
ROLE_ORDER = list(ROLE_LABELS)


def is_secretariat(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_secretariat)


def is_jury(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_jury)


def user_memberships(user) -> list:
    """The user's memberships with their organisations, read once per request: with the user
    (cqp.user_facts), or here the first time a page asks."""
    cached = getattr(user, "_cqp_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("organisation").order_by())
        user._cqp_memberships = cached
    return cached


def user_roles(user) -> list[str]:
    """The user's roles, in display order, memoised on the user object.

    Platform roles come from the user, organisation roles from memberships, and the
    professionnel / évaluateur roles from habilitations (any, even expired: the person
    keeps seeing their candidacies and their status) or an internal membership.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_cqp_roles", None)
    if cached is not None:
        return cached
    roles = set()
    if user.platform_role:
        roles.add(user.platform_role)
    roles.update(m.role for m in user_memberships(user))
    roles.update(kind for kind, *_dates in user_habilitations(user))
    # Roles other apps know from their rows (candidat: whoever has a Candidate row).
    roles.update(name for name in role_names() if holds(user, name))
    user._cqp_roles = [role for role in ROLE_ORDER if role in roles]
    return user._cqp_roles


def can_manage_organisations(user) -> bool:
    return is_secretariat(user)


def can_manage_habilitations(user) -> bool:
    return is_secretariat(user)


def can_manage_members(user, organisation) -> bool:
    if is_secretariat(user):
        return True
    return (
        getattr(user, "is_authenticated", False)
        and organisation.memberships.filter(user=user, role=MembershipRole.GESTIONNAIRE).exists()
    )


def holds(user, name: str) -> bool:
    """Whether the user has a row of what an app registered as `name`
    (cqp.user_facts.register_holders): on a page that reads, as read with the user."""
    if not getattr(user, "is_authenticated", False):
        return False
    facts = read_facts(user) if in_read_memo() else None
    if facts is not None:
        return name in facts["holds"]
    return memoised(("holds", name, user.pk), lambda: holders()[name]().filter(user=user).exists())


def user_habilitations(user) -> list[tuple]:
    """(kind, valid_from, valid_until, revoked_on) of each of the user's habilitations, read
    once per page (the header's roles and every « habilitated today? » question): on a page
    that reads, those read with the user (cqp.user_facts)."""
    facts = read_facts(user) if in_read_memo() else None
    if facts is not None:
        return facts["habilitations"]
    return memoised(
        ("habilitations", user.pk),
        lambda: list(
            user.habilitations.order_by().values_list(
                "kind", "valid_from", "valid_until", "revoked_on"
            )
        ),
    )


def habilitation_kinds_valid_on(user, day) -> set[str]:
    """The kinds of habilitation the user holds on `day` (as HabilitationQuerySet.valid_on)."""
    return {
        kind
        for kind, valid_from, valid_until, revoked_on in user_habilitations(user)
        if valid_from <= day <= valid_until and (revoked_on is None or revoked_on > day)
    }


def managed_organisation_ids(user) -> set[int]:
    """The organisations the user is gestionnaire of: from the memberships the page loads
    anyway (user_memberships) while reading, else one query."""
    if in_read_memo():
        return {
            m.organisation_id
            for m in user_memberships(user)
            if m.role == MembershipRole.GESTIONNAIRE
        }
    return set(
        user.memberships.filter(role=MembershipRole.GESTIONNAIRE).values_list(
            "organisation_id", flat=True
        )
    )
