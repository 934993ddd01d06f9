from .permissions import ROLE_LABELS, user_roles


def current_roles(request):
    """The user's roles and organisations, shown in every page's header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    organisations = sorted(
        {m.organisation.name for m in user.memberships.select_related("organisation")}
    )
    return {
        "current_roles": [ROLE_LABELS[role] for role in user_roles(user)],
        "current_organisations": organisations,
        "current_role_codes": user_roles(user),
        # The jury works from its sessions; every other role follows candidacies.
        "follows_candidacies": bool(set(user_roles(user)) - {"jury"}),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
