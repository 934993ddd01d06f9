"""What services raise when an action cannot be taken now, shared by every app so that a
view catches them without importing another app's services.

Besides these, services raise Django's `ValidationError` (bad input: field errors go next
to their field) and `PermissionDenied` (the user may not act: the refusal page).
"""


class TransitionError(Exception):
    """An action that cannot be taken now (the state does not allow it); `message` is shown
    to the user as is."""

    def __init__(self, message, missing=()):
        self.message = message
        self.missing = list(missing)
        super().__init__(message)


class GuardFailed(TransitionError):
    """Something is missing: `missing` lists it, in French."""


class ConcurrentChange(TransitionError):
    """Someone else changed the object since the user saw it: nothing was recorded.

    The view layer names the page to go back to (`back_url`), where the message is shown
    (cqp.middleware.ConcurrentChangeMiddleware): not the refusal page, since the user was
    entitled to act on what they saw.
    """

    back_url = ""
