"""The shape of every command's `--format json` document as pydantic models: their JSON Schemas are published.

`costmodel schema output COMMAND` prints one; `schemas/output/COMMAND.schema.json` is the committed copy (a test
keeps the two equal) and the tests validate each command's real output against it. Every document is the
envelope (costmodel/views/envelope.py) followed by the command's own fields. Money and quantities are exact
decimal strings (`DecimalText`), spans `{low, high}` of them; floats of the vector paths (sweep, breakeven, replay,
reconcile) are written as their shortest round-trip decimal, so the same pattern holds. Parts of a payload that
repeat the input formats (a stack component, a price as its sheet writes it) are described loosely as objects.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated, Any, Literal

from pydantic import Field

from costmodel.data.models import Model

DecimalText = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$")]
"""An exact decimal written as a string: no exponent, no thousands separator, no unit."""


class Span(Model):
    """A quantity or amount: both ends of a range, equal for a point."""

    low: DecimalText
    """The low end."""
    high: DecimalText
    """The high end (equal to low for a point)."""


class PriceWhatIf(Model):
    """One price changed with --price."""

    sku: str
    """The SKU whose price was changed."""
    field: str
    """The price field changed, or `*` for every price field of the SKU."""
    value: DecimalText | Span | None
    """The price set for this run, or null when scaled by a factor."""
    factor: DecimalText | None
    """The factor the price was multiplied by, or null when set to a value."""


class WhatIf(Model):
    """The what-ifs a run was given (both empty without any)."""

    settings: dict[str, DecimalText | Span]
    """Scenario fields set with --set, by field name."""
    prices: list[PriceWhatIf]
    """Prices changed with --price, in the order given."""


class Override(Model):
    """A bundled item the user's data replaced."""

    kind: Literal["sku", "stack", "scenario", "currency"]
    """What was replaced: a SKU, a stack, a scenario or a currency's exchange rates."""
    id: str
    """Its id (a SKU id, a stack or scenario file name, a currency)."""
    file: str
    """The user's file that replaces it."""
    replaces: str
    """The bundled file it replaces."""


class Envelope(Model):
    """The fields every command's JSON document starts with."""

    command: str
    """The command that wrote the document (`compare`, `prices diff`, ...)."""
    costmodel_version: str
    """The costmodel version that wrote it."""
    as_of: Date | None
    """The date prices were taken in force on (ISO 8601); null for a command that reads no price."""
    currency: str | None
    """The ISO 4217 currency every amount is in; null for a command that shows no amount."""
    inputs: dict[str, Any]
    """What was asked: the command's arguments and options (ids or file paths, dates, folders, what-ifs), null
    where left to the default; not how the result is shown (format, output file)."""
    whatif: WhatIf
    """The what-ifs the result was computed with."""
    warnings: list[str]
    """Warnings the text output shows (a stale exchange rate, a retiring SKU, a stack lacking a needed role)."""
    overrides: list[Override]
    """Bundled items replaced by a same-id item from the user's --pricing/--scenarios folders (empty when none)."""


class Composition(Model):
    """What a stack was priced with, and what shared components did to it."""

    roles: list[str]
    """The roles it was priced with."""
    added: list[dict[str, Any]]
    """Shared components added to it, in the stack format's fields."""
    replaced: list[dict[str, Any]]
    """Its own components replaced by shared ones: `role`, `sku` its own, `by` the shared one."""
    missing_roles: list[str]
    """Needed roles it lacks."""
    covered: list[str]
    """Shared roles it already delivered itself, so the shared component was not added."""


class Sharing(Model):
    """The shared components and the needed roles of a costing."""

    with_: list[dict[str, Any]] = Field(alias="with")
    """The components every stack was priced with, in the stack format's fields."""
    needs: list[str]
    """The roles every stack must deliver."""


class LifecycleWarning(Model):
    """A SKU withdrawn, or retiring within 180 days of the as-of date."""

    sku: str
    """The SKU."""
    date: Date
    """The date it is (or was) withdrawn or changed."""
    what: str
    """What happens on that date."""
    days: int
    """Days from the as-of date (negative when already past)."""
    source: str
    """Where it was announced."""


class StackLifecycleWarning(LifecycleWarning):
    """A lifecycle warning of one of the compared stacks."""

    stack: str
    """The stack relying on the SKU."""


class Costing(Envelope):
    """The fields every costing document (compare, breakdown) has after the envelope."""

    scenario: str
    """The scenario id or file path asked for."""
    fx: dict[str, Any] | None
    """The exchange rate used (`currency`, `per_usd`, `effective_from`, `source`, `checked`, `warning`), or null."""
    calls_per_month: Span
    """Calls a month."""


class CompareRow(Composition):
    """One stack of a comparison."""

    rank: int | None
    """1 for the cheapest; null when unpriced."""
    stack: str
    """The stack id."""
    title: str
    """The stack's title."""
    architecture: str
    """integrated, cascade or self-hosted."""
    per_call: Span | None
    """Cost of one call; null when unpriced."""
    per_month: Span | None
    """Cost of a month of calls; null when unpriced."""
    fixed_per_month: Span | None
    """The always-on GPU floor a month."""
    multiple_of_cheapest: Span | None
    """Per-call cost ÷ the cheapest stack's."""
    estimate: bool
    """Uses an estimated or hypothetical figure."""
    secondary_source: bool
    """Uses a price read only from a secondary source."""
    unpriced: str | None
    """Why the stack could not be priced, or null."""


class CompareOutput(Costing, Sharing):
    """`compare`: one scenario on every stack, cheapest first."""

    command: Literal["compare"]
    """Always `compare`."""
    scenario_title: str
    """The scenario's title."""
    rows: list[CompareRow]
    """One per stack, cheapest first, unpriced last."""
    like_for_like: bool
    """False when a stack lacks a needed role."""
    lifecycle_warnings: list[StackLifecycleWarning]
    """SKUs the priced stacks rely on that are withdrawn or retiring soon."""


class BillLine(Model):
    """One priced meter of a bill."""

    role: str
    """The component's role."""
    sku: str
    """The SKU priced."""
    meter: str
    """What is metered, in words."""
    price_field: str
    """The price field (`regional_uplift` for a regional uplift line)."""
    quantity: Span
    """How much of the meter, in the price field's unit."""
    per: Literal["call", "month"]
    """Whether the quantity is a call's or a month's."""
    unit_price: Span
    """The price per unit, in the document's currency."""
    price_unit: str
    """The unit of the price (`USD per 1M input tokens`)."""
    cost_per_call: Span
    """The line's cost a call."""
    cost_per_month: Span
    """The line's cost a month."""
    fixed: bool
    """Paid whatever the volume (a GPU floor, a monthly fee)."""
    effective_from: Date
    """The date the price took effect."""
    source: str
    """Where the price was read."""
    checked: Date
    """When that source was last read."""
    estimate: bool
    """An estimated or hypothetical price."""
    secondary_source: bool
    """A price read only from a secondary source."""


class BreakdownOutput(Costing, Sharing, Composition):
    """`breakdown`: the itemised bill of one scenario on one stack."""

    command: Literal["breakdown"]
    """Always `breakdown`."""
    stack: str
    """The stack id or file path asked for."""
    stack_title: str
    """The stack's title."""
    architecture: str
    """integrated, cascade or self-hosted."""
    per_call: Span
    """Cost of one call."""
    per_month: Span
    """Cost of a month of calls."""
    fixed_per_month: Span | None
    """The always-on GPU floor a month."""
    estimate: bool
    """Uses an estimated or hypothetical figure."""
    secondary_source: bool
    """Uses a price read only from a secondary source."""
    lines: list[BillLine]
    """Each priced meter, in the stack's component order."""
    turns: list[dict[str, Any]]
    """Each turn of a multi-turn audio model: `turn`, `role`, `sku`, `quantities` by price field, `cost`."""
    notes: list[str]
    """Notes on how the bill was worked out."""
    capacity: list[dict[str, Any]]
    """Each self-hosted component's GPU plan."""
    audio_tokens: list[dict[str, Any]]
    """Audio tokens a minute for each audio-token SKU."""
    lifecycle_warnings: list[LifecycleWarning]
    """SKUs the stack relies on that are withdrawn or retiring soon."""


class CapacityOutput(Envelope):
    """`capacity`: the self-hosted GPU plan by hour."""

    command: Literal["capacity"]
    """Always `capacity`."""
    scenario: str
    """The scenario id or file path asked for."""
    stack: str
    """The stack id or file path asked for."""
    calls_per_month: Span
    """Calls a month."""
    cost_per_month: Span
    """GPU cost a month."""
    components: list[dict[str, Any]]
    """Each self-hosted component: its throughput, GPUs, GPU-hours, cost and an hourly `rows` table."""


class FigureChange(Model):
    """With --baseline: a figure against the same figure of the run without the what-ifs."""

    baseline: Span
    """The figure without the what-ifs."""
    change: Span
    """What-if minus baseline, end by end (low − low, high − high), ordered; negative when the what-if is cheaper."""
    percent: Span | None
    """The change in percent of the baseline, end by end, ordered; null when a baseline end is 0."""


class SweepCurve(Composition):
    """One stack's cost along a sweep."""

    architecture: str
    """integrated, cascade or self-hosted."""
    per_call_low: list[DecimalText]
    """The low end of the per-call cost at each value."""
    per_call_high: list[DecimalText]
    """The high end of the per-call cost at each value."""
    baseline: list[FigureChange | None] | None = None
    """With --baseline only: the per-call cost's change at each value from the sweep without the what-ifs (null
    entries where the baseline run has no cost for the stack)."""


class SweepOutput(Envelope, Sharing):
    """`sweep`: each stack's cost per call as one input varies."""

    command: Literal["sweep"]
    """Always `sweep`."""
    scenario: str
    """The scenario id or file path asked for."""
    field: str
    """The scenario field or price swept."""
    number_type: Literal["float64"]
    """Sweeps compute in float64, not exactly."""
    values: list[DecimalText]
    """The values swept."""
    stacks: dict[str, SweepCurve]
    """Each priced stack's curve, by id."""
    unpriced: dict[str, str]
    """Stacks that could not be priced, with the reason."""


class Crossing(Model):
    """A value where the cheaper stack changes."""

    value: DecimalText
    """The input's value at the crossing."""
    kind: Literal["equal", "step"]
    """`equal` where the costs meet, `step` where one jumps past the other."""
    end: Literal["point", "low", "high", "both"]
    """Which end of ranged costs crosses."""
    per_call_a: DecimalText
    """Stack A's cost per call there."""
    per_call_b: DecimalText
    """Stack B's cost per call there."""
    cheaper_below: str
    """The stack cheaper just below."""
    cheaper_above: str
    """The stack cheaper just above."""
    method: str
    """How it was found (linear, quadratic, bisection)."""


class Answer(Model):
    """The one answer for one end: where the cheaper stack changes for good."""

    kind: Literal["never", "once", "alternates"]
    """Never crosses, crosses once, or alternates in a band."""
    cheaper_at_low: str
    """The stack cheaper at the low end of the range."""
    cheaper_at_high: str
    """The stack cheaper at the high end of the range."""
    first_crossing: DecimalText | None
    """The first crossing, or null."""
    settled_from: DecimalText | None
    """Where the cheaper stack stops changing, or null."""
    crossings: int
    """How many crossings there are."""


class CrossingShift(Model):
    """With --baseline: where the cheaper stack changes for good (`settled_from`), with and without the what-ifs."""

    baseline: DecimalText | None
    """The crossing without the what-ifs, or null when the stacks never cross there."""
    value: DecimalText | None
    """The crossing with the what-ifs, or null when they never cross."""
    change: DecimalText | None
    """value − baseline; null unless both cross."""
    percent: DecimalText | None
    """The change in percent of the baseline crossing; null unless both cross (and the baseline is not 0)."""


class BreakevenBaseline(Model):
    """With --baseline: the same search (same range) without the what-ifs."""

    answers: dict[str, Answer]
    """The baseline run's answer per end (`point`, or `low` and `high`)."""
    crossings: list[Crossing]
    """The baseline run's crossings, step by step."""
    shifts: dict[str, CrossingShift]
    """Per end of the what-if run, how far its crossing moved from the baseline's."""


class BreakevenOutput(Envelope, Sharing):
    """`breakeven`: where two stacks cost the same per call as one input varies."""

    command: Literal["breakeven"]
    """Always `breakeven`."""
    scenario: str
    """The scenario id or file path asked for."""
    stack_a: str
    """The first stack."""
    stack_b: str
    """The second stack."""
    over: str
    """The input varied."""
    between: Span
    """The range searched."""
    ranged_inputs: bool
    """True when the scenario's inputs are ranges, so each end has its own answer."""
    crossings: list[Crossing]
    """Every crossing, step by step."""
    answers: dict[str, Answer]
    """The answer per end (`point`, or `low` and `high`)."""
    band: Span | None
    """Where the cheaper stack alternates, or null."""
    cheaper_at_low: dict[str, str]
    """The stack cheaper at the low end of the range, per end."""
    cheaper_at_high: dict[str, str]
    """The stack cheaper at the high end of the range, per end."""
    notes: list[str]
    """Notes on the search."""
    stacks: dict[str, Composition]
    """What each stack was priced with, by id."""
    baseline: BreakevenBaseline | None = None
    """With --baseline only: the answer without the what-ifs and the shift of the crossing."""


class SensitivityRow(Model):
    """One input moved down and up."""

    input: str
    """The scenario field or price moved."""
    kind: Literal["scenario", "price"]
    """A scenario field or a price."""
    base: Span
    """Its value as given."""
    down: Span
    """Its value moved down."""
    up: Span
    """Its value moved up."""
    per_call_down: Span
    """Cost per call with it moved down."""
    per_call_up: Span
    """Cost per call with it moved up."""
    swing: DecimalText
    """The largest move of the per-call cost."""


class SensitivityOutput(Envelope, Sharing, Composition):
    """`sensitivity`: which inputs move one stack's per-call cost most."""

    command: Literal["sensitivity"]
    """Always `sensitivity`."""
    scenario: str
    """The scenario id or file path asked for."""
    stack: str
    """The stack id or file path asked for."""
    by: DecimalText
    """The step as a fraction (0.2 for ±20%)."""
    per_call: Span
    """Cost per call as given."""
    rows: list[SensitivityRow]
    """Largest swing first."""
    no_effect: list[str]
    """Inputs that do not move the cost."""


class PricedSku(Model):
    """One SKU and its price period in force."""

    id: str
    """`provider/model`."""
    kind: str
    """asr, llm, audio-llm, tts, gpu, telephony or platform."""
    name: str
    """The vendor's name for it."""
    effective_from: Date
    """The date the period took effect."""
    effective_from_basis: str
    """How that date is known."""
    prices: dict[str, DecimalText | Span | None]
    """Each price field as the sheet writes it."""
    billing_increment_seconds: DecimalText
    """Billed in steps of this many seconds."""
    minimum_billed_seconds: DecimalText
    """The least billed a call."""
    estimate: bool
    """An estimated or hypothetical price."""
    source_kind: str
    """vendor, secondary or inferred."""
    source: str
    """Where the price was read."""
    checked: Date
    """When the source was last read."""
    note: str | None
    """The sheet's note."""
    audio_tokens: dict[str, Any] | None
    """Audio tokens a second, for an audio-token SKU."""


class PricesOutput(Envelope):
    """`prices`: the prices in force on a date."""

    command: Literal["prices"]
    """Always `prices`."""
    skus: list[PricedSku]
    """One per SKU with a price in force."""
    without_price_in_force: int
    """SKUs with no price in force on the date."""


class ProvenanceOutput(Envelope):
    """`prices --provenance`: price periods by source kind and the oldest reads."""

    command: Literal["prices --provenance"]
    """Always `prices --provenance`."""
    periods_by_source_kind: dict[str, int]
    """Price periods by source kind."""
    stack_periods_by_source_kind: dict[str, int]
    """Price periods of SKUs used by stacks, by source kind."""
    lower_bound_starts: int
    """Periods whose start is only a lower bound."""
    unstated_starts: int
    """Periods that do not say how their start is known."""
    oldest_checked: list[dict[str, Any]]
    """The periods read longest ago: `sku`, `effective_from`, `checked`, `source`."""


class PriceDiffOutput(Envelope):
    """`prices diff`: every price that differs between two dates or folders, and its effect on costs."""

    command: Literal["prices diff"]
    """Always `prices diff`."""
    from_: dict[str, Any] = Field(alias="from")
    """The old side: `label`, `date`."""
    to: dict[str, Any]
    """The new side: `label`, `date`."""
    prices: list[dict[str, Any]]
    """Each price that differs: `sku`, `price_field`, `unit`, `status`, `old`, `new`, `change`, ..."""
    costs: list[dict[str, Any]]
    """Each scenario on each stack: `scenario`, `stack`, `changed`, `old_per_call`, `new_per_call`, `change`, ..."""


class ScenarioEntry(Model):
    """One scenario."""

    id: str
    """The scenario id (its file stem)."""
    title: str
    """Its title."""
    calls_per_month: Span
    """Calls a month."""
    turns: Span
    """Turns a call."""
    caller_audio_seconds: Span | None
    """Seconds of caller audio a call, or null when given per turn."""
    caller_audio_seconds_per_turn: Span | None
    """Seconds of caller audio a turn, or null when given per call."""
    agent_audio_seconds: Span | None
    """Seconds of agent audio a call, or null."""
    agent_audio_seconds_per_turn: Span | None
    """Seconds of agent audio a turn, or null."""
    description: str | None
    """Its description."""
    source: str | None
    """Where its figures come from."""


class ScenariosOutput(Envelope):
    """`scenarios`: the call profiles."""

    command: Literal["scenarios"]
    """Always `scenarios`."""
    scenarios: list[ScenarioEntry]
    """One per scenario, by id."""


class StackEntry(Model):
    """One stack."""

    id: str
    """The stack id (its file stem)."""
    title: str
    """Its title."""
    architecture: Literal["integrated", "cascade", "self-hosted"]
    """How it is built."""
    components: list[dict[str, Any]]
    """Its components, in the stack format's fields."""


class StacksOutput(Envelope):
    """`stacks`: the stacks."""

    command: Literal["stacks"]
    """Always `stacks`."""
    stacks: list[StackEntry]
    """One per stack, by id."""


class ReplayOutput(Envelope):
    """`replay`: real call records priced on every stack."""

    command: Literal["replay"]
    """Always `replay`."""
    source: str
    """The call-record format read."""
    calls: int
    """Calls priced."""
    bad_rows: int
    """Rows left out."""
    bad_row_messages: list[str]
    """Why, for the first of them."""
    first_start: str | None
    """The first call's start."""
    last_start: str | None
    """The last call's start."""
    calls_per_month: dict[str, int]
    """Calls in each calendar month."""
    number_type: Literal["float64"]
    """Replay computes in float64, not exactly."""
    stacks: list[dict[str, Any]]
    """Each stack: `stack`, `title`, `total`, `per_call_mean`, percentiles, `gpu`, `costliest_calls`, `customers`."""
    unpriced: dict[str, str]
    """Stacks that could not be priced, with the reason."""


class ReconcileOutput(Envelope):
    """`reconcile`: recorded cost of real calls against costmodel's price."""

    command: Literal["reconcile"]
    """Always `reconcile`."""
    source: str
    """The call-record format read."""
    stack: str
    """The stack priced."""
    number_type: Literal["float64"]
    """Reconcile computes in float64, not exactly."""
    calls_compared: int
    """Calls with a recorded cost."""
    calls_without_recorded_cost: int
    """Calls without one."""
    bad_rows: int
    """Rows left out."""
    recorded_total: DecimalText
    """The recorded cost in total."""
    priced_total: Span
    """costmodel's price in total."""
    difference: DecimalText
    """Recorded less priced."""
    difference_percent: DecimalText | None
    """The difference as a percentage of the price."""
    tolerance_percent: DecimalText
    """Calls further apart than this are counted."""
    calls_over: int
    """Calls recorded above the price by more than the tolerance."""
    calls_under: int
    """Calls recorded below the price by more than the tolerance."""
    largest_differences: list[dict[str, Any]]
    """The calls furthest apart: `call_id`, `recorded`, `priced`, `difference`."""


class AuditOutput(Envelope):
    """`audit`: an article's figures recomputed."""

    command: Literal["audit"]
    """Always `audit`."""
    article: str
    """The article's file."""
    title: str
    """Its title."""
    article_date: Date
    """Its date."""
    counts: dict[str, int]
    """Findings by status (ok, wrong, stale, retiring)."""
    claims: list[dict[str, Any]]
    """Each claim recomputed."""
    lifecycle: list[dict[str, Any]]
    """Each lifecycle claim checked."""


OUTPUTS: dict[str, type[Envelope]] = {
    "audit": AuditOutput,
    "breakdown": BreakdownOutput,
    "breakeven": BreakevenOutput,
    "capacity": CapacityOutput,
    "compare": CompareOutput,
    "prices": PricesOutput,
    "prices-diff": PriceDiffOutput,
    "prices-provenance": ProvenanceOutput,
    "reconcile": ReconcileOutput,
    "replay": ReplayOutput,
    "scenarios": ScenariosOutput,
    "stacks": StacksOutput,
    "sensitivity": SensitivityOutput,
    "sweep": SweepOutput,
}
"""Output schema name → its model: the command, with `prices diff` and `prices --provenance` written with a hyphen."""


def output_schema_json(name: str) -> str:
    """The JSON Schema of one command's document, as committed under schemas/output/<name>.schema.json."""
    from costmodel.data.json_schema import model_schema_json

    return model_schema_json(OUTPUTS[name], f"output/{name}.schema.json")
