"""How many people belong to each organisation, stored on it (`Organisation.member_count`):
the organisation list and the gestionnaire's panel show it without counting the
memberships of each organisation shown (the CPEF's own has 10,000 members at 100,000
candidacies, a list page 20 organisations).

A person with two roles in an organisation is counted once. The count is written again,
from the memberships themselves, whenever a membership is saved or deleted through the ORM
(the receivers below: a service's `get_or_create`, the back-office, a person or an
organisation deleted with its memberships); what writes memberships in bulk
(`manage.py seed_scale`) calls `recount` after."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Membership, Organisation


def members() -> Coalesce:
    """The members of the organisation of the outer query, from the (organisation, user)
    index alone."""
    counted = (
        Membership.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def recount(organisation_ids=None) -> None:
    """Counts again the members of these organisations (all without)."""
    organisations = Organisation.objects.all()
    if organisation_ids is not None:
        organisations = organisations.filter(pk__in=list(organisation_ids))
    organisations.update(member_count=members())


@receiver(pre_save, sender=Membership, dispatch_uid="member_counts_moving")
def _membership_moving(sender, instance, **kwargs):
    # A membership moved to another organisation (the back-office) leaves a member less there.
    if instance.pk is not None:
        instance._counted_in = set(
            Membership.objects.filter(pk=instance.pk).values_list("organisation_id", flat=True)
        )


@receiver(post_save, sender=Membership, dispatch_uid="member_counts_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="member_counts_deleted")
def _membership_written(sender, instance, **kwargs):
    recount({instance.organisation_id, *getattr(instance, "_counted_in", ())})
