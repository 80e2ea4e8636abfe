"""The 5-component strategy plan: objective, target, differentiator, tools, evaluation (+ the program)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field

from agilesocial.plan.common import Id, NonEmptyStr, Percent, StrictModel


class BaseGoal(StrEnum):
    """The five base goals of a social strategy."""

    listening = "listening"  # market research
    talking = "talking"  # marketing
    energizing = "energizing"  # amplification / sales: word of mouth
    supporting = "supporting"  # customer service
    embracing = "embracing"  # customer integration / development


class Rung(StrEnum):
    """The social technographics ladder."""

    creators = "creators"
    critics = "critics"
    collectors = "collectors"
    joiners = "joiners"
    spectators = "spectators"
    inactives = "inactives"


class Motivation(StrEnum):
    """Why people participate."""

    keeping_up_friendships = "keeping_up_friendships"
    making_new_friends = "making_new_friends"
    social_pressure = "social_pressure"
    paying_it_forward = "paying_it_forward"
    altruistic_impulse = "altruistic_impulse"
    prurient_impulse = "prurient_impulse"
    creative_impulse = "creative_impulse"
    validation_impulse = "validation_impulse"
    affinity_impulse = "affinity_impulse"


class Expectation(StrEnum):
    """Audience expectations a differentiator can serve."""

    exclusive_content = "exclusive_content"
    insight_for_decisions = "insight_for_decisions"
    customer_service = "customer_service"
    community = "community"
    offers = "offers"
    new_products = "new_products"
    feedback_loop = "feedback_loop"
    loyalty_rewards = "loyalty_rewards"
    social_commerce = "social_commerce"


class Platform(StrEnum):
    x = "x"
    facebook = "facebook"
    instagram = "instagram"
    linkedin = "linkedin"
    tiktok = "tiktok"
    youtube = "youtube"
    other = "other"


class Objective(StrictModel):
    """Component 1 (direction): a SMART objective built on one base goal."""

    id: Id = Field(description="Identifier that tools, KPIs and experiments refer to.")
    goal: BaseGoal = Field(description="Base goal: listening, talking, energizing, supporting or embracing.")
    statement: NonEmptyStr = Field(description="What social media should achieve, in one sentence.")
    metric: str | None = Field(None, description="Measurable: the metric that tracks it (from the metric catalog).")
    baseline: float | None = Field(None, description="Measurable: where the metric stands today.")
    target: float | None = Field(None, description="Measurable: the value to reach by the deadline.")
    deadline: dt.date | None = Field(None, description="Time-bound: ISO date by which the target is reached.")
    direction: Literal["higher", "lower"] | None = Field(
        None, description="Whether higher or lower is better; defaults to the metric's own direction."
    )
    supports: list[NonEmptyStr] = Field(
        default_factory=list, description="The 2-3 organisational goals this objective supports."
    )
    risks: list[NonEmptyStr] = Field(default_factory=list, description="What could go wrong by going social.")


class Segment(StrictModel):
    """An audience segment, placed on the social technographics ladder."""

    name: NonEmptyStr = Field(description="Who they are.")
    description: str | None = Field(None, description="Free description of the segment.")
    technographics: dict[Rung, Percent] = Field(
        default_factory=dict,
        description="Share (percent, 0-100) of the segment on each rung; the shares add up to at most 100.",
    )
    motivations: list[Motivation] = Field(default_factory=list, description="Why they participate.")


class Target(StrictModel):
    """Component 2 (audience): who, and how they participate."""

    segments: list[Segment] = Field(min_length=1, description="Audience segments.")
    notes: str | None = Field(None, description="Free notes on the audience.")


class Differentiator(StrictModel):
    """Component 3 (uniqueness): why participate with us rather than with competitors."""

    value_proposition: NonEmptyStr = Field(description="What the audience gets from us that it gets nowhere else.")
    competitors: list[NonEmptyStr] = Field(default_factory=list, description="Competitors and best-in-class peers.")
    expectations: list[Expectation] = Field(default_factory=list, description="Audience expectations served.")


class Tool(StrictModel):
    """Component 4 (technology): a channel or tool, chosen to serve an objective."""

    id: Id = Field(description="Identifier of the tool.")
    platform: Platform = Field(description="Channel: x, facebook, instagram, linkedin, tiktok, youtube or other.")
    account: str | None = Field(None, description="Account handle on the platform (as the exports name it).")
    purpose: str | None = Field(None, description="What the tool is for.")
    serves: list[str] = Field(default_factory=list, description="Ids of the objectives this tool serves.")


class Kpi(StrictModel):
    """A key performance indicator with weekly targets."""

    metric: NonEmptyStr = Field(description="Metric name from the catalog.")
    platform: Platform | None = Field(None, description="Restrict to one platform (default: all).")
    weekly_target: float | None = Field(None, description="Target for every week.")
    weekly_targets: list[float] = Field(
        default_factory=list, description="Targets week by week (overrides weekly_target)."
    )


class Evaluation(StrictModel):
    """Component 5 (feedback): how we know how we are doing and what to improve."""

    kpis: list[Kpi] = Field(default_factory=list, description="KPIs with weekly targets.")
    cadence: Literal["weekly", "biweekly", "monthly", "quarterly"] = Field("monthly", description="Reporting cadence.")
    questions_to_self: list[NonEmptyStr] = Field(default_factory=list, description="How are we doing? ...")
    questions_to_customers: list[NonEmptyStr] = Field(
        default_factory=list, description="What do you like? What more do you want? ..."
    )


class CostItem(StrictModel):
    item: NonEmptyStr = Field(description="What the money is for.")
    amount: float = Field(ge=0, description="Amount in the program's currency.")


class Costs(StrictModel):
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")
    direct: list[CostItem] = Field(default_factory=list, description="Direct costs (ads, tools, agencies).")
    indirect: list[CostItem] = Field(default_factory=list, description="Indirect costs (staff time, training).")


class Raci(StrictModel):
    responsible: list[NonEmptyStr] = Field(default_factory=list)
    accountable: list[NonEmptyStr] = Field(default_factory=list)
    consulted: list[NonEmptyStr] = Field(default_factory=list)
    informed: list[NonEmptyStr] = Field(
        default_factory=list, description="Departments to inform (e.g. sales, customer service)."
    )


class Program(StrictModel):
    """The operational program that keeps the plan out of the tools valley."""

    mission: str | None = Field(None, description="Why the program exists.")
    approach: str | None = Field(None, description="How it will work.")
    costs: Costs | None = Field(None, description="Direct and indirect costs.")
    start: dt.date | None = Field(None, description="ISO start date.")
    end: dt.date | None = Field(None, description="ISO end date.")
    duration_weeks: int | None = Field(None, gt=0, description="Duration, when no end date is set.")
    success_measures: list[NonEmptyStr] = Field(default_factory=list, description="How success is judged.")
    owner: str | None = Field(None, description="Who owns the program.")
    executors: list[NonEmptyStr] = Field(default_factory=list, description="Who executes (skills, capacity).")
    overseer: str | None = Field(None, description="Who oversees.")
    raci: Raci | None = Field(None, description="RACI chart.")


class StrategyPlan(StrictModel):
    """A 5-component social media strategy plan plus its operational program."""

    id: Id = Field(description="Plan identifier.")
    name: NonEmptyStr = Field(description="Human name of the plan.")
    brand: NonEmptyStr = Field(description="Brand the plan is for.")
    objectives: list[Objective] = Field(min_length=1, description="Component 1: SMART objectives.")
    target: Target = Field(description="Component 2: the audience.")
    differentiator: Differentiator = Field(description="Component 3: why us.")
    tools: list[Tool] = Field(default_factory=list, description="Component 4: channels, each serving an objective.")
    focus_limit: int | None = Field(
        None, ge=1, description="Most tools the plan may use (default from agile-social.yaml, 3)."
    )
    evaluation: Evaluation = Field(description="Component 5: evaluation and feedback.")
    program: Program | None = Field(None, description="The operational program.")
