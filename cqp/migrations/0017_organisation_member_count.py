from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_members(apps, schema_editor):
    """The count of each organisation as cqp.member_counts keeps it."""
    Organisation = apps.get_model("cqp", "Organisation")
    Membership = apps.get_model("cqp", "Membership")
    counted = (
        Membership.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    Organisation.objects.update(member_count=Coalesce(Subquery(counted), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("cqp", "0016_document_kind_object"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="member_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="membres"),
        ),
        migrations.RunPython(count_members, migrations.RunPython.noop),
    ]
