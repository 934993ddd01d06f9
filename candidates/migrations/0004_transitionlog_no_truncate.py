from django.db import migrations

from cqp.append_only import refuse_truncate


class Migration(migrations.Migration):
    # TRUNCATE fires no row trigger: the append-only function of 0002 also guards the whole
    # table, once per statement.
    dependencies = [("candidates", "0003_validation_expired_on")]

    operations = [refuse_truncate("candidates_transitionlog")]
