from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .. import limits, tasks
from ..forms import LoginForm, PasswordChangeForm


class LoginView(auth_views.LoginView):
    # A lock is told by the form and answered 429 by AxesMiddleware (cqp.limits).
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("dashboard")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Limited per client address and per e-mail (cqp.limits); the e-mail goes through the
    task queue whether an account has that address or not, so that neither the answer nor
    its time tells."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        refusal = limits.password_reset_refusal(self.request, email=email)
        if refusal:
            form.add_error(None, refusal)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        tasks.send_password_reset_email_later(email)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # The link proved the mailbox: the account's lock, if any, is lifted.
        limits.account_unlock(form.user)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Votre session est fermée : à bientôt."))
        return response
