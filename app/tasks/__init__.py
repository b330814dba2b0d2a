"""Human tasks: who may take one (``rights``), the task list (``worklist``), claiming and
assigning (``claims``), drafts, and what a completion may carry (``fields``)."""
