"""Telling residents what happened: the consented email addresses kept apart from answers."""
