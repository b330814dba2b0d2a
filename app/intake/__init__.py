"""Intake (regulation 5.2): the regions' intake windows, and the consultation service a client
files instead of, or besides, an application."""
