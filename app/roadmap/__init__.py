"""The roadmap of Appendix 4: the base roadmap as data, the detailed roadmap the ЦПЭ builds from
it (step 8), its approval or return by МО РЭЦ (9, 9.1), done marks and overdue steps (10)."""
from .base import BaseRoadmap, BaseRoadmapInvalid, load_base_roadmap
from .checks import check_roadmap
from .current import Roadmap, RoadmapStep, roadmap_of, today_in_moscow
from .overdue import overdue_steps
from .prefill import prefill

__all__ = ["BaseRoadmap", "BaseRoadmapInvalid", "Roadmap", "RoadmapStep", "check_roadmap", "load_base_roadmap",
           "overdue_steps", "prefill", "roadmap_of", "today_in_moscow"]
