"""Covering indexes for a search by person on PostgreSQL (candidates.selectors: the
candidates found, then their candidacies, the latest changed first).

A search that finds a few hundred people (« martin »: 420 at 100,000 candidacies) reads
each one's candidate by the person's key, then each candidate's candidacies: two probes a
person, each followed by a visit to the table for the columns the index lacks (the
candidate's key; a candidacy's key, date and the columns its filters and the visibility
rules test). With those columns in the index, both are read from the index alone
(index-only scans: about a quarter of the two queries' time at 100,000).

PostgreSQL only (INCLUDE): SQLite, the demo's, has no covering index and keeps the
indexes it has, which its size allows. Not in the models' state, hence RunPython.
"""

from django.db import migrations

INDEXES = {
    "candidate_user_covering": ("candidates_candidate", "user_id", ("id",)),
    "candidacy_candidate_covering": (
        "candidates_candidacy",
        "candidate_id",
        (
            "id",
            "updated_at",
            "state",
            "pathway",
            "organisation_id",
            "professionnel_id",
            "evaluateur_id",
        ),
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, key, included) in INDEXES.items():
        columns = ", ".join(f'"{column}"' for column in included)
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" ("{key}") INCLUDE ({columns})'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0018_candidacy_time_indexes")]

    operations = [migrations.RunPython(create, drop)]
