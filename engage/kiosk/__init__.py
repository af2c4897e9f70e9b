"""In-branch kiosk mode: shared library tablets enrolled to a branch."""
