"""Follow-up tracking (跟踪问效): outcomes with history, funnel reports, overdue follow-ups."""
