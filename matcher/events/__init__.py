"""Docking events: participants, candidates, pairing, scheduling, exports."""
