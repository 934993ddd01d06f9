"""Authentication backend: Django's ModelBackend, reading the signed-in user with the facts
every page asks about them (cqp.user_facts) in the same query."""

from django.contrib.auth.backends import ModelBackend

from .user_facts import user_with_facts


class FactsModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_facts(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
