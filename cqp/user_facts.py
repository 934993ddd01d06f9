"""What every page asks about the signed-in person, read with the person in one query.

Each page's header names the person's roles and organisations and counts their unread
notifications, and the permission checks read their memberships and habilitations. Read
one by one, these were four queries on every page besides the session and the user. Here
they are subqueries of the user's own query (`with_facts`), which the authentication
backend (cqp.backends.FactsModelBackend) runs once per request; `attach_facts` puts them on
the user object, where cqp.permissions and cqp.context_processors find them.

Only a page that reads (GET, HEAD: cqp.permissions.read_memo) trusts them: a form sent
re-reads what it checks, as services run outside a request do.
"""

import datetime
import json

from django.db import models
from django.db.models import Exists, OuterRef

from .models import Habilitation, Membership, Notification, Organisation, User
from .utils import CompiledQuery, CountRows, JSONRows

# The header shows « 99+ » beyond this: the count stops there (a partial index on the
# unread notifications of a user serves it), however many a user has.
UNREAD_SHOWN = 99

FACTS = "_cqp_facts"  # the attribute of the user object that holds them


# What some app knows of a person from its own rows, as `name -> callable returning a
# queryset with a `user` foreign key`: whether they have one (a Candidate row: the candidate
# role; an active JuryMember row: a jury member). Those registered as roles are roles.
_holders = {}
_roles = set()


def register_holders(name: str, holders, *, role: bool = False) -> None:
    """Whoever has a row in `holders()` (a queryset with a `user` field) holds `name`, a role
    when `role`; registered once in an AppConfig.ready."""
    _holders[name] = holders
    if role:
        _roles.add(name)


def register_role_holders(role: str, holders) -> None:
    register_holders(role, holders, role=True)


def holders() -> dict:
    return dict(_holders)


def role_names() -> set:
    """The names registered as roles."""
    return set(_roles)


def unread_notifications(user):
    """The keys of the unread notifications of `user` (a user, or `OuterRef("pk")`), the
    first UNREAD_SHOWN + 1 only: the header says « 99+ » beyond."""
    return (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .order_by()
        .values("pk")[: UNREAD_SHOWN + 1]
    )


def with_facts(users):
    """`users` with what the pages ask of each: memberships with their organisation's name,
    habilitations, the roles other apps know of, and the unread notifications counted up
    to UNREAD_SHOWN + 1."""
    memberships = (
        Membership.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("id", "organisation_id", "role")
        .annotate(organisation_name=models.F("organisation__name"))
    )
    habilitations = (
        Habilitation.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("kind", "valid_from", "valid_until", "revoked_on")
    )
    return users.annotate(
        facts_memberships=JSONRows(memberships),
        facts_habilitations=JSONRows(habilitations),
        facts_unread=CountRows(unread_notifications(OuterRef("pk"))),
        **{
            f"facts_holds_{name}": Exists(rows().filter(user=OuterRef("pk")))
            for name, rows in _holders.items()
        },
    )


def _user_with_facts_query(user_id):
    return with_facts(User.objects.filter(pk=user_id).order_by())


# The same SQL every request but for the user's id: building it costs more than running it.
_user_with_facts = CompiledQuery(User, _user_with_facts_query)


def user_with_facts(user_id):
    """The user of `user_id` read with the facts (`with_facts`, then `attach_facts`), or
    None."""
    user = next(iter(_user_with_facts(user_id)), None)
    return attach_facts(user) if user is not None else None


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


def attach_facts(user):
    """Turns the annotations of `with_facts` into the user's facts (FACTS) and memberships
    (the objects cqp.permissions.user_memberships returns). Returns the user."""
    memberships = []
    for row in json.loads(user.__dict__.pop("facts_memberships")):
        membership = Membership.from_db(
            Membership.objects.db,
            ["id", "user_id", "organisation_id", "role"],
            [row["id"], user.pk, row["organisation_id"], row["role"]],
        )
        membership.user = user
        membership.organisation = Organisation.from_db(
            Organisation.objects.db,
            ["id", "name"],
            [row["organisation_id"], row["organisation_name"]],
        )
        memberships.append(membership)
    user._cqp_memberships = memberships
    setattr(
        user,
        FACTS,
        {
            "habilitations": [
                (
                    row["kind"],
                    _day(row["valid_from"]),
                    _day(row["valid_until"]),
                    _day(row["revoked_on"]),
                )
                for row in json.loads(user.__dict__.pop("facts_habilitations"))
            ],
            "unread": user.__dict__.pop("facts_unread"),
            "holds": {name for name in _holders if user.__dict__.pop(f"facts_holds_{name}", False)},
        },
    )
    return user


def read_facts(user):
    """The facts read with the user, or None: when the user was not read with them (a test's
    object, a service's argument)."""
    return getattr(user, FACTS, None)
