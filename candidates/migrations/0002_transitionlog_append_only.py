from django.db import migrations

from cqp.append_only import refuse_rewrites


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial")]

    operations = [refuse_rewrites("candidates_transitionlog")]
