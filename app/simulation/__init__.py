"""What-if simulation of the deployed BPMN for analysts (issue 7).

The model is compiled from the same BPMN files the engine runs (model.py) and joined with a
parameter file (params.py, params.schema.json) into a scenario (scenario.py); a heapq event loop
(loop.py) runs its replications on calendar time (worktime.py) and keeps running aggregates
(stats.py); runner.py summarises with 95% intervals and compares scenarios; check.py drives the
real engine on the same parameters; report.py writes HTML, JSON and the event log.
"""
