"""The "Tell me what happened" form on the thank-you page: read, check, record."""

from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from engage.followups import services
from engage.platform import clock, i18n, mail
from engage.platform.database import db
from engage.platform.extensions import rate_limiter
from engage.platform.ratelimit import Limit
from surveys import text
from surveys.models import Response

EMAIL_MAX = 254
# Per address and per client: enough for typos, too few to flood someone's inbox.
LIMITS = (Limit("follow_up:client", 20, 3600), Limit("follow_up:email", 3, 3600))


def wording() -> str:
    """The consent statement in the page's language, with the council's name in it."""
    names = current_app.config["ENGAGE_SETTINGS"].names(i18n.current())
    return services.consent_text(names["council_name"])


@dataclass
class Ask:
    email: str = ""
    consent: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    status: int = 400
    sent_to: str | None = None

    def check(self, client: str) -> None:
        problem = text.problem(_("Email address"), self.email)
        if problem:
            self.errors["email"] = problem
        elif not self.email:
            self.errors["email"] = _("Enter your email address")
        elif len(self.email) > EMAIL_MAX:
            self.errors["email"] = _("Email address must be %(max)d characters or fewer", max=EMAIL_MAX)
        else:
            try:
                self.email = validate_email(self.email, check_deliverability=False).normalized
            except EmailNotValidError:
                self.errors["email"] = _(
                    "Enter an email address in the correct format, like name@example.com"
                )
        if not self.consent:
            self.errors["consent"] = _("Tick the box to agree to us keeping your email address for this")
        if self.errors:
            return
        limiter = rate_limiter()
        client_limit, email_limit = LIMITS
        if not (
            limiter.hit(client_limit, client).allowed and limiter.hit(email_limit, self.email.lower()).allowed
        ):
            self.errors["email"] = _(
                "There have been too many requests from here in the last hour. "
                "Wait an hour and try again: your answers are already sent"
            )
            self.status = 429


def record(response: Response, survey_title: str, ask: Ask) -> None:
    """Keep the address apart from the answers and send the confirmation email."""
    requested = services.request_updates(db(), response, ask.email, wording(), clock.now())
    message = (
        services.send_confirmation(requested.follow_up, requested.token, survey_title)
        if requested.token
        else None
    )
    db().commit()
    if message is not None:
        mail.dispatch(message)
    ask.sent_to = ask.email
