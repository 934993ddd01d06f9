from .models import PlatformRole
from .permissions import ROLE_LABELS, in_read_memo, user_memberships, user_roles
from .user_facts import UNREAD_SHOWN, read_facts, unread_notifications


def current_roles(request):
    """The user's roles and organisations, shown in every page's header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "current_roles": [ROLE_LABELS[role] for role in roles],
        "current_organisations": sorted({m.organisation.name for m in user_memberships(user)}),
        "current_role_codes": roles,
        # The jury works from its sessions; every other role follows candidacies.
        "follows_candidacies": bool(set(roles) - {PlatformRole.JURY}),
        **unread_badge(user),
    }


def unread_badge(user) -> dict:
    """`unread_notifications`: how many unread, counted up to UNREAD_SHOWN + 1 only;
    `unread_notifications_label`: that number, or « 99+ » beyond. On a page that reads, the
    count read with the user (cqp.user_facts)."""
    facts = read_facts(user) if in_read_memo() else None
    unread = facts["unread"] if facts is not None else unread_notifications(user).count()
    label = f"{UNREAD_SHOWN}+" if unread > UNREAD_SHOWN else str(unread)
    return {"unread_notifications": unread, "unread_notifications_label": label}
