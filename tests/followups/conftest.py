"""Reuse the residents' test survey, the themes tests' example survey and officer, and aiosmtpd."""

from tests.residents.conftest import publish_survey
from tests.support.mail import settings_overrides, smtp_server
from tests.support.themes import officer, survey

__all__ = ["officer", "publish_survey", "settings_overrides", "smtp_server", "survey"]
