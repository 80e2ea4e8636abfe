"""Plan-as-code: pydantic models for plans, experiments and sprints, and YAML loading with positions."""

from agilesocial.plan.experiment import Experiment
from agilesocial.plan.project import ProjectConfig
from agilesocial.plan.sprint import Sprint
from agilesocial.plan.strategy import StrategyPlan

__all__ = ["Experiment", "ProjectConfig", "Sprint", "StrategyPlan"]
