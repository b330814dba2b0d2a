"""Incidents: operations the model's code stopped, shown on the application and retried by an
administrator once the model (or the calendar, or the data) is fixed."""
from .handling import IncidentClosed, dismiss, incidents_of, open_count, retry
from .recording import record_failure

__all__ = ["IncidentClosed", "dismiss", "incidents_of", "open_count", "retry", "record_failure"]
