"""Authentication backend: Django's ModelBackend, reading the signed-in user with the facts
every page asks about them (cqp.user_facts) in the same query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .user_facts import attach_facts, with_facts


class FactsModelBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.filter(pk=user_id).order_by()
        user = next(iter(with_facts(users)[:1]), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        return attach_facts(user)
