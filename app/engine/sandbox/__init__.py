"""The sandbox of model code: what it may say (policy), may touch (guards, library) and may
spend (budget); the worker process adds hard limits from outside."""
from .budget import Budget, Exhausted, Limits, Operation, Resource, current_operation, operation
from .guards import Guards, estimate
from .library import builtins_for, check_result
from .policy import check_source, compile_model_code

__all__ = ["Budget", "Exhausted", "Limits", "Operation", "Resource", "current_operation", "operation",
           "Guards", "estimate", "builtins_for", "check_result", "check_source", "compile_model_code"]
