"""The shape of every command's `--format json` document as pydantic models: their JSON Schemas are published.

`costmodel schema output COMMAND` prints one; `schemas/output/COMMAND.schema.json` is the committed copy (a test
keeps the two equal) and the tests validate each command's real output against it. Every document is the
envelope (costmodel/views/envelope.py) followed by the command's own fields. Money and quantities are exact
decimal strings (`DecimalText`), spans `{low, high}` of them; floats of the vector paths (sweep, breakeven, replay,
reconcile) are written as their shortest round-trip decimal, so the same pattern holds. Every part is a model of
its own with `extra='forbid'`, so an unknown key anywhere in a document fails validation; only `inputs` (each
command's own arguments) is an open object.
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
    value: Span | None
    """The price set for this run (a point with both ends equal), or null when scaled by a factor."""
    factor: DecimalText | None
    """The factor the price was multiplied by, or null when set to a value."""


class WhatIf(Model):
    """The what-ifs a run was given (both empty without any)."""

    settings: dict[str, Span]
    """Scenario fields set with --set, by field name (a point with both ends equal)."""
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


Role = Literal["asr", "llm", "audio-llm", "tts", "telephony", "self-hosted-asr", "self-hosted-llm", "self-hosted-tts",
               "platform"]
"""A stack component's role, as the stack format names it."""


class Component(Model):
    """A stack component in the stack format's fields, every field written (defaults included)."""

    role: Role
    """What the part does in the call."""
    sku: str
    """The SKU that prices it."""
    billed_per: Literal["call", "turn"]
    """Duration billing: one request per call or one per turn."""
    legs: DecimalText
    """Telephony: call legs billed."""
    workload: str | None
    """Self-hosted: the model served, or null."""
    min_gpus: int
    """Self-hosted: GPUs kept whatever the volume."""
    utilisation: DecimalText
    """Self-hosted: share of a GPU's throughput planned to be used at the busiest hour."""
    gpu_hours_per_month: DecimalText
    """Self-hosted, always-on: hours each GPU is rented a month."""
    region: str | None
    """A regional or data-residency uplift, or null for the global price."""
    scaling: Literal["always-on", "scheduled", "autoscaled"]
    """Self-hosted: how the GPU count follows the load."""
    scale_step_gpus: int
    """Self-hosted, autoscaled: GPUs added and removed in groups of this many."""
    serving: Literal["streaming", "batch"]
    """Self-hosted ASR, TTS: streaming or batch."""
    latency_target_ms: DecimalText | None
    """Self-hosted: the latency to stay within, or null."""
    purchase: Literal["on-demand", "reserved", "spot"]
    """Self-hosted: how the GPUs are bought."""
    purchase_discount: DecimalText
    """Self-hosted, reserved or spot: share off the on-demand GPU-hour price."""
    term_months: int | None
    """Self-hosted, reserved: length of the commitment, or null."""
    interruption_overhead: DecimalText
    """Self-hosted, spot: extra GPU-hours lost to interruptions, as a share."""
    operations_usd_per_month: DecimalText
    """Self-hosted: fixed monthly operations cost in USD."""


class Replacement(Model):
    """A stack's own component replaced by a shared one."""

    role: str
    """The role both deliver."""
    sku: str
    """The stack's own SKU."""
    by: str
    """The shared SKU that replaced it."""


class Composition(Model):
    """What a stack was priced with, and what shared components did to it."""

    roles: list[str]
    """The roles it was priced with."""
    added: list[Component]
    """Shared components added to it."""
    replaced: list[Replacement]
    """Its own components replaced by shared ones."""
    missing_roles: list[str]
    """Needed roles it lacks."""
    covered: list[str]
    """Shared roles it already delivered itself, so the shared component was not added."""


class Sharing(Model):
    """The shared components and the needed roles of a costing."""

    with_: list[Component] = Field(alias="with")
    """The components every stack was priced with."""
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


class Fx(Model):
    """The exchange rate a costing converted USD prices with."""

    currency: str
    """The currency converted to."""
    per_usd: DecimalText
    """Units of it per US dollar."""
    effective_from: Date
    """The date the rate took effect."""
    source: str
    """Where the rate was read."""
    checked: Date
    """When that source was last read."""
    warning: str | None
    """Why the rate may be stale, or null."""


class Change(Model):
    """A figure's change from the same run without the what-ifs (`--baseline`)."""

    baseline: Span
    """The figure without the what-ifs."""
    change: Span
    """What-if less baseline."""
    percent: Span | None
    """The change in percent of the baseline; null when the baseline is 0."""


class Costing(Envelope):
    """The fields every costing document (compare, breakdown) has after the envelope."""

    scenario: str
    """The scenario id or file path asked for."""
    fx: Fx | None
    """The exchange rate used, or null when no conversion was needed."""
    calls_per_month: Span
    """Calls a month."""


class RowBaseline(Model):
    """A comparison row's figures without the what-ifs (`--baseline`)."""

    rank: int | None
    """Its rank without the what-ifs; null when unpriced then."""
    unpriced: str | None
    """Why it could not be priced without the what-ifs, or null."""
    per_call: Change | None
    """The per-call cost's change; null when either run has no figure."""
    per_month: Change | None
    """The monthly cost's change; null when either run has no figure."""


class BillBaseline(Model):
    """A bill's totals without the what-ifs (`--baseline`)."""

    per_call: Change | None
    """The per-call cost's change; null when either run has no figure."""
    per_month: Change | None
    """The monthly cost's change; null when either run has no figure."""


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
    baseline: RowBaseline | None = None
    """With --baseline only: its figures without the what-ifs, or null when the stack is not in that run."""


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
    baseline: Change | None = None
    """With --baseline only: the line's cost per call without the what-ifs, or null when either run lacks it."""


class TurnCost(Model):
    """What one turn of a multi-turn call costs on one component (point scenarios only)."""

    turn: int
    """The turn, from 1."""
    role: str
    """The component's role."""
    sku: str
    """The SKU priced."""
    quantities: dict[str, Span]
    """The turn's quantity of each price field, by field name, in the field's unit."""
    cost: Span
    """The turn's cost."""


class CapacityPlan(Model):
    """One self-hosted component's GPU plan, in brief (`capacity` has the whole plan)."""

    role: str
    """The component's role."""
    gpus: Span
    """GPUs running at the busiest hour."""
    gpu_hours_per_month: Span
    """GPU-hours billed a month."""
    scaling: Literal["always-on", "scheduled", "autoscaled"]
    """How the GPU count follows the load."""
    purchase: Literal["on-demand", "reserved", "spot"]
    """How the GPUs are bought."""
    binding: str
    """What sets the GPU count (throughput, latency, concurrency, minimum, busiest hour)."""


class AudioTokensPerMinute(Model):
    """What a minute of audio becomes in an audio-token SKU's tokens."""

    sku: str
    """The SKU."""
    input_tokens_per_minute: DecimalText
    """Tokens a minute of audio read."""
    output_tokens_per_minute: DecimalText | None
    """Tokens a minute of audio spoken, or null when not documented."""
    source: str
    """Where the rate was read."""
    checked: Date
    """When that source was last read."""
    estimate: bool
    """An estimated or borrowed rate."""


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
    baseline: BillBaseline | None = None
    """With --baseline only: the totals without the what-ifs."""
    lines: list[BillLine]
    """Each priced meter, in the stack's component order."""
    turns: list[TurnCost]
    """Each turn of a multi-turn audio model on each component."""
    notes: list[str]
    """Notes on how the bill was worked out."""
    capacity: list[CapacityPlan]
    """Each self-hosted component's GPU plan."""
    audio_tokens: list[AudioTokensPerMinute]
    """Audio tokens a minute for each audio-token SKU."""
    lifecycle_warnings: list[LifecycleWarning]
    """SKUs the stack relies on that are withdrawn or retiring soon."""


class CapacityRow(Model):
    """One level of load (an hour, or hours with the same load) for one component."""

    hours: str
    """Which hours (`open hours`, `closed hours`, an hour range of the traffic profile)."""
    hours_per_month: Span
    """Hours a month at this load."""
    calls_per_hour: Span
    """Calls an hour."""
    load_gpus: Span
    """GPUs the work keeps busy at full throughput."""
    streams: Span
    """Streams (or requests) in flight."""
    gpus: Span
    """GPUs running in these hours under the scaling policy."""
    utilisation: Span
    """Load ÷ GPUs running (0 with no GPUs)."""
    gpu_hours: Span
    """GPU-hours a month in these hours."""
    cost_per_month: Span
    """Their cost a month."""
    binding: str
    """What sets the GPU count: throughput, latency, concurrency, minimum, or busiest hour."""


class CapacityComponent(Model):
    """One self-hosted component: its operating point, its hours and its month."""

    role: str
    """The component's role."""
    sku: str
    """The GPU SKU."""
    workload: str
    """The model served."""
    scaling: Literal["always-on", "scheduled", "autoscaled"]
    """How the GPU count follows the load."""
    purchase: Literal["on-demand", "reserved", "spot"]
    """How the GPUs are bought."""
    throughput: Span
    """Work one GPU does a second at the operating point."""
    throughput_unit: str
    """The unit of that work (output tokens, or audio seconds, a second)."""
    streams_per_gpu: Span | None
    """Streams one GPU holds, or null when not limited by streams."""
    latency_ms: DecimalText | None
    """The latency at the operating point, or null without a throughput curve."""
    latency_target_ms: DecimalText | None
    """The latency target, or null."""
    work_seconds_per_call: Span
    """GPU work a call, in seconds of the throughput's unit."""
    gpus: Span
    """GPUs at the busiest hour."""
    gpu_hours_per_month: Span
    """GPU-hours billed a month."""
    unit_price: Span
    """Per GPU-hour after the purchase discount."""
    cost_per_month: Span
    """GPU cost a month."""
    binding: str
    """What sets the GPU count at the busiest hour."""
    rows: list[CapacityRow]
    """The hourly table, one row per level of load."""


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
    components: list[CapacityComponent]
    """Each self-hosted component."""


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


class PerCallBaseline(Model):
    """The per-call cost without the what-ifs (`--baseline`)."""

    per_call: Change | None
    """The per-call cost's change; null when either run has no figure."""


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
    baseline: PerCallBaseline | None = None
    """With --baseline only: the cost per call as given, against the run without the what-ifs."""


class AudioTokenRates(Model):
    """Audio tokens a second of an audio-token SKU, as its sheet writes them."""

    source: str
    """Where the rate was read."""
    checked: Date
    """When that source was last read."""
    estimate: bool
    """An estimated or borrowed rate."""
    note: str | None
    """The sheet's note."""
    input_tokens_per_second: DecimalText
    """Tokens a second of audio read."""
    output_tokens_per_second: DecimalText | None
    """Tokens a second of audio spoken, or null."""


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
    prices: dict[str, Span]
    """Each price field the period sets, by name, as the sheet writes it (a point with low equal to high)."""
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
    audio_tokens: AudioTokenRates | None
    """Audio tokens a second, for an audio-token SKU; null otherwise."""


class PricesOutput(Envelope):
    """`prices`: the prices in force on a date."""

    command: Literal["prices"]
    """Always `prices`."""
    skus: list[PricedSku]
    """One per SKU with a price in force."""
    without_price_in_force: int
    """SKUs with no price in force on the date."""


class CheckedPeriod(Model):
    """A price period and when its source was read."""

    sku: str
    """The SKU."""
    effective_from: Date
    """The date the period took effect."""
    checked: Date
    """When its source was last read."""
    source: str
    """Where it was read."""


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
    oldest_checked: list[CheckedPeriod]
    """The periods read longest ago, oldest first."""


class DiffSide(Model):
    """One side of a price diff."""

    label: str
    """The pricing folder's name."""
    date: Date
    """The date prices were taken in force on."""


class EndpointChange(Model):
    """New less old, end by end."""

    low: DecimalText
    """The change of the low end."""
    high: DecimalText
    """The change of the high end."""
    low_percent: DecimalText | None
    """The low end's change in percent of the old; null when the old is 0."""
    high_percent: DecimalText | None
    """The high end's change in percent of the old; null when the old is 0."""


class PriceDiffRow(Model):
    """One price that differs between the two sides."""

    sku: str
    """The SKU."""
    price_field: str
    """The price field."""
    unit: str
    """What the price is per."""
    status: Literal["changed", "added", "removed", "launched", "first recorded", "withdrawn"]
    """changed (both sides priced); added or removed (a price field of a SKU priced on both sides); launched or
    withdrawn (the SKU has no price in force on the old or the new side); first recorded (the old side is before a
    start known only as a lower bound)."""
    old: Span | None
    """The old price as the sheet writes it, or null when none was in force."""
    new: Span | None
    """The new price as the sheet writes it, or null when none is in force."""
    change: EndpointChange | None
    """New less old, or null when a side has no price."""
    old_effective_from: Date | None
    """When the old price took effect, or null."""
    new_effective_from: Date | None
    """When the new price took effect, or null."""
    old_source: str | None
    """Where the old price was read, or null."""
    new_source: str | None
    """Where the new price was read, or null."""
    reason: str | None
    """Why a side has no price, or null."""


class CostDiffRow(Model):
    """One scenario on one stack, priced on both sides."""

    scenario: str
    """The scenario id."""
    stack: str
    """The stack id."""
    changed: bool
    """Whether its cost per call differs."""
    old_per_call: Span | None
    """Cost per call on the old side, or null when unpriced."""
    new_per_call: Span | None
    """Cost per call on the new side, or null when unpriced."""
    change: EndpointChange | None
    """New less old, or null when a side is unpriced."""
    old_unpriced: str | None
    """Why the old side is unpriced, or null."""
    new_unpriced: str | None
    """Why the new side is unpriced, or null."""


class PriceDiffOutput(Envelope):
    """`prices diff`: every price that differs between two dates or folders, and its effect on costs."""

    command: Literal["prices diff"]
    """Always `prices diff`."""
    from_: DiffSide = Field(alias="from")
    """The old side."""
    to: DiffSide
    """The new side."""
    prices: list[PriceDiffRow]
    """Each price that differs."""
    costs: list[CostDiffRow]
    """Each scenario on each stack."""


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
    components: list[Component]
    """Its components."""


class StacksOutput(Envelope):
    """`stacks`: the stacks."""

    command: Literal["stacks"]
    """Always `stacks`."""
    stacks: list[StackEntry]
    """One per stack, by id."""


class ReplayGpu(Model):
    """A self-hosted stack's GPU bill over the records' period, hour by hour."""

    cost: Span
    """The GPU cost."""
    floor_cost: Span
    """The part of it the minimum GPUs cost whatever the load."""
    gpu_hours: Span
    """GPU-hours run."""
    clock_hours: int
    """Clock hours of the period."""
    peak_gpus: DecimalText
    """The most GPUs running in one hour."""


class ReplayMonthly(Model):
    """What a stack charges by the calendar month (fees, tiers, included minutes, concurrency slots)."""

    cost: Span
    """The month-priced part of the total."""
    fixed_cost: Span
    """The part paid whatever the volume (fees, slots)."""
    months: dict[str, Span]
    """The month-priced cost of each calendar month (`YYYY-MM`)."""


class CostlyCall(Model):
    """One of the costliest calls."""

    call_id: str
    """The call's id."""
    cost_high: DecimalText
    """Its cost, high end."""


class CustomerTotal(Model):
    """One customer's calls."""

    calls: int
    """Calls."""
    total: Span
    """Their cost."""


class ReplayStack(Model):
    """The real calls priced on one stack."""

    stack: str
    """The stack id."""
    title: str
    """The stack's title."""
    total: Span
    """The cost of every call, month-priced and GPU parts included."""
    per_call_mean: Span
    """The mean cost a call."""
    per_call_p50: Span
    """The median cost a call."""
    per_call_p90: Span
    """The 90th percentile cost a call."""
    per_call_p99: Span
    """The 99th percentile cost a call."""
    gpu: ReplayGpu | None
    """The GPU bill, or null without self-hosted components."""
    monthly: ReplayMonthly | None
    """The month-priced charges, or null when the stack has none."""
    costliest_calls: list[CostlyCall]
    """The costliest calls, costliest first."""
    customers: dict[str, CustomerTotal]
    """Each customer's calls and cost, by customer (empty without `--by customer`)."""


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
    stacks: list[ReplayStack]
    """Each priced stack."""
    unpriced: dict[str, str]
    """Stacks that could not be priced, with the reason."""


class CallDifference(Model):
    """One call's recorded cost against costmodel's price."""

    call_id: str
    """The call's id."""
    recorded: DecimalText
    """The recorded cost."""
    priced: Span
    """costmodel's price."""
    difference: DecimalText
    """Recorded less priced."""


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
    largest_differences: list[CallDifference]
    """The calls furthest apart, furthest first."""


ClaimStatus = Literal["ok", "wrong", "stale", "retiring"]
"""An audit finding's status."""


class AuditCounts(Model):
    """Findings by status, claims and lifecycle claims together."""

    ok: int
    """Figures that follow from today's prices."""
    wrong: int
    """Figures that do not follow from their own date's prices, and lifecycle claims already wrong."""
    stale: int
    """Figures right on their own date but not today."""
    retiring: int
    """Lifecycle claims on SKUs retiring soon."""


class AuditFigure(Model):
    """A figure recomputed."""

    value: Span | None
    """Its exact value, or null for a text figure."""
    shown: str
    """As it is shown."""
    kind: Literal["money", "multiple", "price", "count", "text"]
    """What it is."""


class Tolerance(Model):
    """How far a printed figure may be from the computed one."""

    low: DecimalText
    """Slack below."""
    high: DecimalText
    """Slack above."""
    text: str
    """The tolerance in words."""


class PriceRead(Model):
    """A price (or rate) a figure was computed from."""

    sku: str
    """The SKU."""
    field: str
    """The price field, or `audio tokens per second` for a token rate."""
    value: Span
    """Its value."""
    unit: str
    """Its unit."""
    effective_from: Date | None
    """When it took effect, or null for a rate."""
    source: str
    """Where it was read."""
    checked: Date
    """When that source was last read."""
    estimate: bool
    """An estimated or hypothetical price."""


class ClaimFinding(Model):
    """One claim of the article recomputed."""

    id: str
    """The claim's id."""
    status: Literal["ok", "wrong", "stale"]
    """ok, wrong or stale."""
    reason: str
    """Why, in a sentence."""
    article_line: int
    """The article's line quoting it."""
    quote: str
    """The words it checks."""
    printed: Span
    """The figure printed."""
    printed_text: str
    """The figure as printed."""
    relation: Literal["about", "at_most", "at_least"]
    """How the printed figure relates to the computed one."""
    compute: str
    """The expression that recomputes it."""
    computed: AuditFigure | None
    """The figure on the audit date, or null when unpriced."""
    claim_date: Date | None
    """The claim's own date when it has one, or null (the article's date)."""
    at_article_date: AuditFigure | None
    """The figure on the claim's date, or null when unpriced."""
    tolerance: Tolerance
    """The slack allowed."""
    prices: list[PriceRead]
    """The prices it was computed from."""
    note: str | None
    """Notes on the finding, or null."""
    writer_note: str | None
    """The claims file's note, or null."""


class LifecycleState(Model):
    """Where a SKU stands on a date."""

    state: Literal["available", "retiring", "withdrawn"]
    """available, retiring or withdrawn."""
    date: Date | None
    """The date it was (or will be) withdrawn, or null."""
    sku: str
    """The SKU."""


class LifecycleFinding(Model):
    """A SKU or stack the article names, checked for withdrawal."""

    id: str
    """The SKU or stack id."""
    kind: Literal["sku", "stack"]
    """What is named: a SKU or a stack."""
    status: ClaimStatus
    """ok, wrong, stale or retiring."""
    reason: str
    """Why, in a sentence."""
    article_line: int
    """The article's line naming it."""
    quote: str
    """The sentence naming it."""
    name: str
    """The words that name it."""
    today: LifecycleState
    """Where it stands on the audit date."""
    at_article_date: LifecycleState
    """Where it stood on the article's date."""


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
    counts: AuditCounts
    """Findings by status."""
    claims: list[ClaimFinding]
    """Each claim recomputed."""
    lifecycle: list[LifecycleFinding]
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
