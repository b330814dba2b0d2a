"""Model scenarios: YAML paths through the process (bpmn/scenarios/*.yaml, format in
schema.json and bpmn/README.md), run headlessly by ``vitrina test-model`` and by every deploy
that is given scenarios."""
from .format import Scenario, ScenarioFormatError, load_scenario, read_scenarios
from .runner import ScenarioResult, run_scenarios

__all__ = ["Scenario", "ScenarioFormatError", "ScenarioResult", "load_scenario", "read_scenarios", "run_scenarios"]
