import django.utils.timezone
from django.db import migrations, models

# Each candidacy's step dates from its last audit entry that changed the state, else from
# its creation (one statement, SQLite and PostgreSQL alike).
FILL = """
UPDATE candidates_candidacy SET state_changed_at = COALESCE(
    (SELECT MAX(log.created_at) FROM candidates_transitionlog log
     WHERE log.candidacy_id = candidates_candidacy.id AND log.source <> log.target),
    candidates_candidacy.created_at
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0008_candidate_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidacy",
            name="state_changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="à cette étape depuis le"
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(fields=["state", "state_changed_at"], name="candidacy_state_since"),
        ),
        migrations.AddIndex(
            model_name="candidacy",
            index=models.Index(
                condition=models.Q(
                    state__in=[
                        "reperage",
                        "parcours",
                        "demande",
                        "recevabilite",
                        "recevable",
                        "evaluation",
                        "jury",
                    ]
                ),
                fields=["state_changed_at", "id"],
                name="candidacy_waiting_since",
            ),
        ),
    ]
