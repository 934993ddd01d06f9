from .models import PlatformRole
from .permissions import ROLE_LABELS, user_memberships, user_roles


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


# The header shows « 99+ » beyond this: the count stops there (a partial index on the
# unread notifications of a user serves it), however many a user has.
UNREAD_SHOWN = 99


def unread_badge(user) -> dict:
    """`unread_notifications`: how many unread, counted up to UNREAD_SHOWN + 1 only;
    `unread_notifications_label`: that number, or « 99+ » beyond."""
    unread = user.notifications.filter(read_at__isnull=True).order_by()[: UNREAD_SHOWN + 1].count()
    label = f"{UNREAD_SHOWN}+" if unread > UNREAD_SHOWN else str(unread)
    return {"unread_notifications": unread, "unread_notifications_label": label}
