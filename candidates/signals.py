from django.dispatch import Signal

# Sent inside the transaction of every transition, after the candidacy is saved, with
# `candidacy`, `name`, `source`, `target` and `by`. Apps built on candidates (the
# evaluation dossier, the jury) react to the workflow through it without being imported.
transition_done = Signal()
