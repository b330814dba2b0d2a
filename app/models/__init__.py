"""Database models, one module per table family."""
from .api_token import ApiToken
from .audit import AuditEvent
from .calendar import CalendarOverride
from .casefile import CaseEntry
from .deadline import Breach
from .deployment import Deployment, DeploymentFile
from .document import Document
from .export_centre import ExportCentre, RegionalSettingChange
from .draft import TaskDraft
from .incident import Incident
from .job import BackgroundJob
from .model_deploy import ModelDeploy, ModelDeployFile
from .model_draft import ModelDraft, ModelDraftFile
from .model_scenario import ModelScenario
from .instance import ProcessInstance
from .intake import IntakeWindow
from .invitation import Invitation
from .login_failure import LoginFailure
from .notification import Notification, NotificationSetting
from .operator import (ApplicationOperator, Operator, OperatorEvent, OperatorEvidence, OperatorRequirement,
                       OperatorUser)
from .roadmap import RoadmapMark
from .sales import SalesLine, SalesReport
from .saved_filter import SavedFilter
from .simulation import SimulationRun, SimulationScenario
from .timer import Timer
from .user import User, UserRole
from .worklist import OpenTask

__all__ = ["ApiToken", "AuditEvent", "BackgroundJob", "Breach", "CalendarOverride", "CaseEntry", "Deployment", "DeploymentFile", "Document", "ExportCentre", "Incident", "IntakeWindow", "Invitation",
           "LoginFailure", "ModelDeploy", "ModelDeployFile", "ModelScenario", "Notification", "NotificationSetting", "OpenTask",
           "ApplicationOperator", "Operator", "OperatorEvent", "OperatorEvidence", "OperatorRequirement", "OperatorUser", "ProcessInstance", "RegionalSettingChange", "RoadmapMark", "SalesLine", "SalesReport", "SavedFilter", "SimulationRun", "SimulationScenario", "TaskDraft", "Timer", "User", "UserRole"]
