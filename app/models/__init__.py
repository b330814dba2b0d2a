"""Database models, one module per table family."""
from .audit import AuditEvent
from .calendar import CalendarOverride
from .deployment import Deployment, DeploymentFile
from .instance import ProcessInstance
from .timer import Timer
from .worklist import OpenTask

__all__ = ["AuditEvent", "CalendarOverride", "Deployment", "DeploymentFile", "ProcessInstance",
           "Timer", "OpenTask"]
