"""Small synthetic BPMN processes and parameters for the simulation tests."""
from __future__ import annotations

from app.simulation import params as parameters
from app.simulation import experiment as scenario

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="test">'
        '<bpmn:process id="p" isExecutable="true"><bpmn:laneSet id="ls"><bpmn:lane id="lane_cpe" name="ЦПЭ">'
        '<bpmn:flowNodeRef>task_a</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
        '<bpmn:startEvent id="start_p"/>')
TAIL = '<bpmn:endEvent id="end_p"/></bpmn:process></bpmn:definitions>'


def single_task() -> dict[str, bytes]:
    """start → one ЦПЭ task → end: an M/M/c queue when arrivals are Poisson and work exponential."""
    body = ('<bpmn:userTask id="task_a" name="Задача"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start_p" targetRef="task_a"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="task_a" targetRef="end_p"/>')
    return {"p.bpmn": (HEAD + body + TAIL).encode()}


def rework_loop() -> dict[str, bytes]:
    """start → task → gateway: back to the task ("remarks") or on to the end (default)."""
    body = ('<bpmn:userTask id="task_a" name="Задача"/>'
            '<bpmn:exclusiveGateway id="gw" default="f_done"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start_p" targetRef="task_a"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="task_a" targetRef="gw"/>'
            '<bpmn:sequenceFlow id="f_again" sourceRef="gw" targetRef="task_a">'
            '<bpmn:conditionExpression>decision == "remarks"</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="f_done" sourceRef="gw" targetRef="end_p"/>')
    return {"p.bpmn": (HEAD + body + TAIL).encode()}


def build(files: dict[str, bytes], **overrides):
    data = {
        "process": "p", "start": "2025-01-01", "horizon_days": 400, "warmup_days": 40,
        "replications": 8, "seed": 7,
        "arrivals": {"regions": {"77": {"per_day": 10}}},
        "staff": {"cpe": {"count": 2, "calendar": "always"}},
        "durations": {"default": {"dist": "exponential", "mean": 2}},
    }
    data.update(overrides)
    return scenario.build(parameters.validate(data), files)
