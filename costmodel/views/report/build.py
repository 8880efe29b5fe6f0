"""Procurement report: one self-contained document per decision, built from the same Comparison as `compare`.

`build_report` gathers plain data (the comparison with every stack's itemised Bill, the assumptions, every
price used with its source, the input-file fingerprint, the charts); `costmodel.views.report.html` and
`costmodel.views.report.markdown` turn it into a document. No figure is computed here: money comes from
`costmodel.analyses.compare.compare` and is formatted by `costmodel.views.formatting`, exactly as `compare` shows it.

Reproducibility (README "Procurement report"):
- fingerprint = sha256 of the manifest text: one line `SHA256  NAME` per input file the catalog read, sorted by
  NAME (the path relative to the data folder: `pricing/openai.yaml`, `pricing/stacks/x.yaml`,
  `scenarios/y.yaml`), then one line `settings JSON` (the scenario, stacks, as-of date, currency, --set and
  --price values as sorted-key JSON). The manifest is printed in the report, so `sha256sum` re-checks it.
- price-sheet date = the latest `checked` or `effective_from` date among the prices (and fx rate) the report used:
  nothing the report relies on was read or came into force after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from costmodel import __version__
from costmodel.analyses.compare import Comparison, ComparisonRow, compare
from costmodel.analyses.estimate import FxUsed
from costmodel.core.interval import Span
from costmodel.core.overrides import ALL_PRICES, TWIN_FIELDS, PriceChange, apply_settings
from costmodel.core.shared import resolve, with_argument
from costmodel.data.catalog import Catalog
from costmodel.data.field_docs import field_docs
from costmodel.data.input_files import read_bytes
from costmodel.data.meters import PRICE_FIELDS
from costmodel.data.records import SCENARIO_FIELDS, Range, Scenario, StackComponent
from costmodel.errors import MissingExtraError, require
from costmodel.views.formatting import to_json
from costmodel.views.inputs import SCENARIO_UNITS
from costmodel.views.report.charts import Chart

SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
"""Output file suffix → document kind; anything else is refused before any work."""


@dataclass(frozen=True)
class Assumption:
    """One scenario field as the report priced it."""

    name: str
    value: Decimal | Range | None
    unit: str
    description: str
    origin: str
    """`scenario file`, `--set`, `default`, `derived` (not set: the engine works it out, see description) or
    `not used` (a whole-call / per-turn twin of a field that is given)."""


@dataclass(frozen=True)
class PriceUsed:
    """One price a line item used, with where it came from; `stacks` lists the stacks that used it."""

    sku: str
    sku_name: str
    price_field: str
    unit: str
    sheet_usd: Decimal | Range | None
    """The price as the sheet states it (USD); None when a --price what-if set a field the sheet lacks."""
    used: Span[Decimal]
    """The unit price the figures used, in the report currency, after any --price what-if."""
    effective_from: date
    checked: date
    source: str
    estimate: bool
    note: str | None
    what_if: bool
    stacks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InputFile:
    name: str
    sha256: str


@dataclass(frozen=True)
class Report:
    """Everything a procurement report shows, as plain data."""

    comparison: Comparison
    scenario: Scenario
    assumptions: list[Assumption]
    prices: list[PriceUsed]
    fx: FxUsed | None
    estimate_notes: list[str]
    files: list[InputFile]
    manifest: str
    fingerprint: str
    price_sheet_date: date
    version: str
    settings: dict[str, Any]
    charts: list[Chart]
    charts_missing: str | None = None
    """Why the break-even charts are absent although asked for (the plots extra is not installed), else None."""
    output_name: str = "report.html"
    """The file the report is written to, as the command line named it (for the command that reproduces it)."""
    data_args: tuple[str, ...] = ()
    """The command-line options that named the data (`--pricing DIR`, `--scenarios DIR`), as given: they are not
    settings (the fingerprint covers the files' content wherever they live) but the command must repeat them."""

    @property
    def priced(self) -> list[ComparisonRow]:
        return [row for row in self.comparison.rows if row.rank is not None]

    @property
    def next_best(self) -> ComparisonRow | None:
        return self.priced[1] if len(self.priced) > 1 else None

    @property
    def ranges_overlap(self) -> bool:
        """True when the next best's low end is below the cheapest's high end: the ranking could flip."""
        nxt = self.next_best
        first = self.priced[0].per_call
        return bool(nxt and nxt.per_call and first and nxt.per_call.low < first.high)


def document_kind(path: str | Path) -> str:
    """`html` or `markdown` from the output file's suffix; InputError for anything else."""
    from costmodel.errors import InputError

    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"cannot tell the report format from '{suffix or 'no suffix'}'; name the file .html or .md",
            field="--output",
        )
    return SUFFIXES[suffix]


def relative_name(catalog: Catalog, path: Path) -> str:
    """An input file's name relative to its data folder, so the fingerprint does not depend on where it lives."""
    if path in catalog.scenario_paths.values():
        return f"scenarios/{path.name}"
    if path in catalog.stack_paths.values():
        return f"pricing/stacks/{path.name}"
    return f"pricing/{path.name}"


def input_files(catalog: Catalog) -> list[InputFile]:
    files = [InputFile(relative_name(catalog, p), hashlib.sha256(read_bytes(Path(p))).hexdigest()) for p in catalog.files]
    return sorted(files, key=lambda f: f.name)


def settings_record(
    scenario: str, stacks: list[str] | None, as_of: date, currency: str,
    settings: dict[str, Any] | None, price_changes: list[PriceChange] | tuple[PriceChange, ...],
    with_components: Sequence[StackComponent | str] = (),
    fx_rate: Decimal | None = None,
) -> dict[str, Any]:
    """The choices that, with the input files, determine every figure (exact decimals as strings).

    `with` (the --with components) and `fx_rate` (an exchange rate given for the run instead of the dated one) are
    recorded only when given, so a report without them keeps its fingerprint.
    """
    record: dict[str, Any] = to_json({
        "scenario": scenario,
        "stacks": list(stacks) if stacks else None,
        "as_of": as_of,
        "currency": currency,
        "set": {name: _range_dict(value) for name, value in (settings or {}).items()},
        "price": [
            {"sku": c.sku, "price_field": c.price_field,
             "value": _range_dict(c.value), "factor": c.factor}
            for c in price_changes
        ],
    })
    if with_components:
        record["with"] = [with_argument(c) for c in resolve(with_components)]
    if fx_rate is not None:
        record["fx_rate"] = to_json(fx_rate)
    return record


def _range_dict(value: Any) -> Any:
    """A Range as {low, high} (how the settings record has always written one); other values as they are."""
    return {"low": value.low, "high": value.high} if isinstance(value, Range) else value


def manifest_text(files: list[InputFile], record: dict[str, Any]) -> str:
    lines = [f"{f.sha256}  {f.name}\n" for f in files]
    return "".join(lines) + "settings " + json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"


def assumptions(scenario: Scenario, file_scenario: Scenario, settings: dict[str, Any] | None) -> list[Assumption]:
    """Every scenario field with its unit and where its value came from (file, --set, default or derived)."""
    from costmodel.data import models

    given = file_scenario.fields_set
    rows = []
    for name in SCENARIO_FIELDS:
        value = getattr(scenario, name)
        if settings and name in settings:
            origin = "--set"
        elif value is None and getattr(scenario, TWIN_FIELDS.get(name, name)) is not None:
            origin = "not used"
        elif value is None:
            origin = "derived"
        elif name in given:
            origin = "scenario file"
        else:
            origin = "default"
        description = field_docs(models.Scenario).get(name, "")
        rows.append(Assumption(name, value, SCENARIO_UNITS.get(name, ""), description, origin))
    return rows


def prices_used(
    catalog: Catalog, comparison: Comparison, price_changes: list[PriceChange] | tuple[PriceChange, ...]
) -> list[PriceUsed]:
    """Every (SKU, price field, period) a line item used, once, with the stacks that used it."""
    changed = {(c.sku, c.price_field) for c in price_changes}
    found: dict[tuple[str, str, date], PriceUsed] = {}
    for row in comparison.rows:
        result = comparison.estimates.get(row.stack)
        if result is None:
            continue
        for line in result.lines:
            if line.price_field not in PRICE_FIELDS:  # a regional uplift: a factor on other lines, not a sheet price
                continue
            key = (line.sku, line.price_field, line.effective_from)
            if key not in found:
                period = catalog.price(line.sku, comparison.as_of)
                found[key] = PriceUsed(
                    sku=line.sku, sku_name=line.sku_name, price_field=line.price_field,
                    unit=PRICE_FIELDS[line.price_field].unit, sheet_usd=period.price(line.price_field),
                    used=line.unit_price, effective_from=line.effective_from, checked=line.checked,
                    source=line.source, estimate=line.estimate, note=line.note,
                    what_if=(line.sku, line.price_field) in changed or (line.sku, ALL_PRICES) in changed,
                )
            if row.stack not in found[key].stacks:
                found[key].stacks.append(row.stack)
    return sorted(found.values(), key=lambda p: (p.sku, list(PRICE_FIELDS).index(p.price_field)))


def price_sheet_date(prices: list[PriceUsed], fx: FxUsed | None) -> date:
    dates = [max(p.checked, p.effective_from) for p in prices]
    if fx is not None:
        dates.append(max(fx.checked, fx.effective_from))
    return max(dates)


def build_report(
    catalog: Catalog,
    scenario: str,
    stacks: list[str] | None = None,
    *,
    as_of: date | None = None,
    currency: str = "USD",
    settings: dict[str, Any] | None = None,
    price_changes: list[PriceChange] | tuple[PriceChange, ...] = (),
    charts: bool = True,
    with_components: Sequence[StackComponent | str] = (),
    baseline: bool = False,
    baseline_catalog: Catalog | None = None,
    output_name: str = "report.html",
    data_args: Sequence[str] = (),
) -> Report:
    """Price the scenario on the stacks (exactly as `compare` does) and gather what the document shows.

    `baseline`: the comparison also shows each stack's change from the run without the what-ifs (on
    `baseline_catalog`, default `catalog`; see analyses/baseline.py). `output_name` and `data_args` (see Report)
    only go into the printed command that reproduces the report.
    """
    from costmodel.data.catalog import FX_OVERRIDE_SOURCE

    as_of = as_of or date.today()
    options: dict[str, Any] = {"as_of": as_of, "currency": currency, "settings": settings,
                               "price_changes": price_changes, "with_components": with_components}
    if baseline:
        from costmodel.analyses.baseline import with_baseline

        result = with_baseline(compare, catalog, scenario, stacks, baseline_catalog=baseline_catalog, **options)
    else:
        result = compare(catalog, scenario, stacks, **options)
    file_scenario = catalog.scenario(scenario)
    priced_scenario = apply_settings(file_scenario, settings) if settings else file_scenario
    prices = prices_used(catalog, result, price_changes)
    notes: list[str] = []
    for e in result.estimates.values():
        notes.extend(" ".join(n.split()) for n in e.notes if " ".join(n.split()) not in notes)
    files = input_files(catalog)
    fx_rate = result.fx.per_usd if result.fx is not None and result.fx.source == FX_OVERRIDE_SOURCE else None
    record = settings_record(scenario, stacks, as_of, currency, settings, price_changes, resolve(with_components, catalog),
                             fx_rate)
    manifest = manifest_text(files, record)
    drawn: list[Chart] = []
    charts_missing = None
    if charts:
        try:
            require("matplotlib", "plots", "Break-even charts")
        except MissingExtraError as missing:
            charts_missing = str(missing)  # the tables are the report; the charts are said to be missing, not dropped
        else:
            from costmodel.views.report.charts import break_even_charts

            drawn = break_even_charts(catalog, result, priced_scenario, settings=settings, price_changes=price_changes,
                                      with_components=with_components)
    return Report(
        comparison=result,
        scenario=priced_scenario,
        assumptions=assumptions(priced_scenario, file_scenario, settings),
        prices=prices,
        fx=result.fx,
        estimate_notes=notes,
        files=files,
        manifest=manifest,
        fingerprint=hashlib.sha256(manifest.encode("utf-8")).hexdigest(),
        price_sheet_date=price_sheet_date(prices, result.fx),
        version=__version__,
        settings=record,
        charts=drawn,
        charts_missing=charts_missing,
        output_name=output_name,
        data_args=tuple(data_args),
    )
