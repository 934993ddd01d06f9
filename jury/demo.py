"""Demo jury: one member per college, so that a session can be composed with parity."""

from cqp.demo import register_seeder

from .models import College, JuryMember


@register_seeder
def seed_jury(users, organisations):
    for email, college in (
        ("jury@demo.cqp.fr", College.EMPLOYEURS),
        ("jury.salaries@demo.cqp.fr", College.SALARIES),
    ):
        JuryMember.objects.get_or_create(user=users[email], defaults={"college": college})
    return ["Jury : un membre par collège (jury@demo.cqp.fr, jury.salaries@demo.cqp.fr)"]
