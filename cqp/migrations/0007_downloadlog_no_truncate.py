from django.db import migrations

from cqp.append_only import refuse_truncate


class Migration(migrations.Migration):
    dependencies = [("cqp", "0006_download_log")]

    operations = [refuse_truncate("cqp_downloadlog")]
