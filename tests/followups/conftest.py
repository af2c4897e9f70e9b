"""Reuse the residents' test survey, the themes tests' example survey and officer, and aiosmtpd."""

from tests.residents.conftest import publish_survey
from tests.residents.test_resume_email import settings_overrides, smtp_server
from tests.themes.test_themes import officer, survey

__all__ = ["officer", "publish_survey", "settings_overrides", "smtp_server", "survey"]
