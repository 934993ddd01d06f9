"""Who may do what on the shared core: predicates only, no queries beyond the user's own."""

from .models import HabilitationKind, MembershipRole, PlatformRole

ROLE_LABELS = {
    PlatformRole.SECRETARIAT: PlatformRole.SECRETARIAT.label,
    PlatformRole.JURY: PlatformRole.JURY.label,
    MembershipRole.GESTIONNAIRE: MembershipRole.GESTIONNAIRE.label,
    MembershipRole.CANDIDAT: MembershipRole.CANDIDAT.label,
    HabilitationKind.PROFESSIONNEL: HabilitationKind.PROFESSIONNEL.label,
    HabilitationKind.EVALUATEUR: HabilitationKind.EVALUATEUR.label,
}
ROLE_ORDER = list(ROLE_LABELS)


# Apps built on the core add roles they know about (e.g. candidat for whoever has a candidacy).
_role_providers = []


def register_role_provider(provider) -> None:
    """`provider(user) -> set[str]` of extra role codes; registered once in an AppConfig.ready."""
    _role_providers.append(provider)


def is_secretariat(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_secretariat)


def is_jury(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_jury)


def user_memberships(user) -> list:
    """The user's memberships with their organisations, read once per request (memoised)."""
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
    roles.update(user.habilitations.values_list("kind", flat=True))
    for provider in _role_providers:
        roles.update(provider(user))
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
