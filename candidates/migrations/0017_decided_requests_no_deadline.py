"""A decided VAE request has no decision due any more (candidates.transitions clears the date
at every decision since this migration): clear it on the requests whose candidacy has left
the recevabilité step, so that the overdue count reads only the requests awaiting one."""

from django.db import migrations


def clear(apps, schema_editor):
    VaeRequest = apps.get_model("candidates", "VaeRequest")
    VaeRequest.objects.filter(decision_due_on__isnull=False).exclude(
        candidacy__state="recevabilite"
    ).update(decision_due_on=None)


class Migration(migrations.Migration):
    dependencies = [("candidates", "0016_state_since_with_id")]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
