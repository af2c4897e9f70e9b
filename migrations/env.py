"""Alembic environment: the only way the schema changes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import context

from engage import models as staff_models
from engage.actions import models as action_models
from engage.database import make_engine
from engage.followups import models as follow_up_models
from engage.forums import models as forum_models
from engage.kiosk import models as kiosk_models
from engage.themes import models as theme_models
from surveys import models as survey_models
from surveys.orm import Base

# Importing every models module registers its tables on Base.metadata.
MODEL_MODULES = (
    staff_models,
    action_models,
    follow_up_models,
    forum_models,
    kiosk_models,
    theme_models,
    survey_models,
)

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is set by engage.database.alembic_config"
    engine = make_engine(url, pooled=False)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
