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
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
