"""The whole schema: importing every models module registers its tables on ``Base.metadata``.

It lives with the commands (``flask db upgrade`` and the rest) because, like them, it
imports every feature.

Alembic's environment and the migration tests compare the migrations against this, so a
new models module is added here once.
"""

from __future__ import annotations

from engage.accounts import models as staff_models
from engage.actions import models as action_models
from engage.alerts import models as alert_models
from engage.followups import models as follow_up_models
from engage.forums import models as forum_models
from engage.kiosk import models as kiosk_models
from engage.platform import models as platform_models
from engage.themes import models as theme_models
from surveys import models as survey_models
from surveys.orm import Base

MODEL_MODULES = (
    staff_models,
    platform_models,
    action_models,
    alert_models,
    follow_up_models,
    forum_models,
    kiosk_models,
    theme_models,
    survey_models,
)
metadata = Base.metadata
