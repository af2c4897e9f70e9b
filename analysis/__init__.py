"""Pure theme analysis of free-text answers.

Nothing here imports Flask, SQLAlchemy, :mod:`engage` or :mod:`surveys`: an
import-linter contract in ``pyproject.toml`` keeps it that way, so the engine can be
run, tested and benchmarked on its own.
"""
