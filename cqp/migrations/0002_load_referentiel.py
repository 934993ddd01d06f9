from django.db import migrations

from cqp.referentiel import DEFAULT_REFERENTIEL, load_referentiel_file


def load(apps, schema_editor):
    load_referentiel_file(DEFAULT_REFERENTIEL, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("cqp", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
