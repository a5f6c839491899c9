"""Seeded generator of realistic sample data: every record kind, plus labelled eval sets."""
