"""What the POST rows of tests/pilotage/matrix.md post (the pilotage's pages take none yet)."""

DATA = {}
