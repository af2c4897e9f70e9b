"""The platform every feature builds on: settings, the database, security, errors, the
clock, background jobs, email, rate limits, audit, links, downloads, health, events and
housekeeping. Nothing here imports a feature (import-linter checks it)."""
