"""Demo data is seeded by the core first, then by each app that registered a seeder.

Apps register in their AppConfig.ready, so the core's `seed_demo` never imports them.
Every seeder must be idempotent.
"""

_seeders = []


def register_seeder(func):
    """`func(users: dict[email, User], organisations: dict[siret, Organisation]) -> list[str]` of lines to print."""
    _seeders.append(func)
    return func


def run_seeders(users, organisations) -> list[str]:
    lines = []
    for seeder in _seeders:
        lines.extend(seeder(users, organisations) or [])
    return lines
