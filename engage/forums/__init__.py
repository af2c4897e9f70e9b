"""Stakeholder forums: registering interest, consent, membership and meetings."""
