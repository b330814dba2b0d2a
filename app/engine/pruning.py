"""Keeping an instance's task tree the size of its present, not of its history.

SpiffWorkflow appends a new chain of tasks every time a flow loops back (remarks → rework →
check again, the monthly sales reports of a multi-year agreement), and every step walks and
serialises the whole tree, so a step's cost grew with the number of loops. A finished loop
iteration is needed by nothing that can still happen: the tasks after it have their own copy of
the data, its timers are cancelled or fired, and what it decided is in the case file and the
audit trail. So, after each step, every finished iteration but the latest is cut out of the
chain: the later iteration's first task is hung where the older one hung.

Only whole, finished stretches are cut: every task in the stretch and everything hanging off it
must be finished, none may be the workflow's last task or own a subprocess, and the stretch must
begin and end with the same task spec (one or more whole iterations). A parallel split whose
branches are still open, a waiting join, a pending timer all keep their ancestors.
"""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState


def prune_finished_loops(workflow) -> int:
    """Cut the finished loop iterations older than the latest out of ``workflow`` and of its
    subprocesses; returns how many tasks were dropped."""
    dropped = 0
    for flow in [workflow, *getattr(workflow, "subprocesses", {}).values()]:
        while (stretch := _older_iteration(flow)) is not None:
            dropped += _cut(flow, *stretch)
    return dropped


def _finished(task) -> bool:
    return task.has_state(TaskState.FINISHED_MASK)


def _older_iteration(flow):
    """(first, after): a finished stretch from ``first`` down to the parent of ``after``, where
    ``after`` is a later task of the same spec as ``first``; None when there is none."""
    owners = set(getattr(flow, "subprocesses", {}) or ())
    for task in list(flow.tasks.values()):
        # The frontier: unfinished tasks under a finished one (predicted tasks below them share its chain).
        if _finished(task) or task.parent is None or not _finished(task.parent):
            continue
        chain = []  # the frontier task's ancestors, nearest first
        node = task.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        latest: dict = {}  # spec -> the nearest (latest) finished task of that spec seen so far
        for index, node in enumerate(chain):
            if not _finished(node):
                break
            later = latest.get(node.task_spec)
            if later is not None and _cuttable(flow, chain, chain.index(later), index, owners):
                return node, later
            latest.setdefault(node.task_spec, node)
    return None


def _cuttable(flow, chain, later_index: int, first_index: int, owners: set) -> bool:
    """The stretch chain[later_index + 1 .. first_index] (from ``first`` down to ``later``'s
    parent) and everything hanging off it are finished, and none of it is needed."""
    stretch = chain[later_index + 1:first_index + 1]
    on_chain = {t.id for t in chain}
    for node in stretch:
        if node is flow.last_task or node.id in owners:
            return False
        for child in node.children:
            if child.id not in on_chain and not _all_finished(child, owners, flow):
                return False
    return True


def _all_finished(task, owners: set, flow) -> bool:
    stack = [task]
    while stack:
        node = stack.pop()
        if not _finished(node) or node.id in owners or node is flow.last_task:
            return False
        stack.extend(node.children)
    return True


def _cut(flow, first, later) -> int:
    """Hang ``later``'s branch where ``first`` hung, and forget the stretch in between."""
    parent = first.parent
    doomed = []
    node = later.parent
    while node is not None and node is not parent:
        doomed.append(node)
        node = node.parent
    gone = set()
    for node in doomed:  # the stretch and every finished branch hanging off it
        stack = [node]
        while stack:
            current = stack.pop()
            if current.id in gone or current is later:
                continue
            gone.add(current.id)
            stack.extend(c for c in current.children if c is not later)
    parent._children = [later.id if child == first.id else child for child in parent._children]
    later._parent = parent.id
    for task_id in gone:
        flow.tasks.pop(task_id, None)
    return len(gone)
