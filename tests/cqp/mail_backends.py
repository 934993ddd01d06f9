"""An e-mail backend standing for a mail server that is down."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("serveur de messagerie injoignable")
