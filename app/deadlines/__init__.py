"""Deadline control (regulation 4.3): firing timers, the breach register, warnings."""
