"""Shared test helpers: page checks, the staff role table, and each feature's setup steps.

Test modules import helpers from here, never from another test module; fixtures defined
here are made available to a package's tests by its conftest.py."""
