"""The loaded library of price sheets, stacks, scenarios and fx rates, with lookups by id and date."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar

from costmodel.data.input_files import read_text
from costmodel.data.records import FxPeriod, FxRate, FxSheet, PricePeriod, Scenario, Sku, Stack, to_record
from costmodel.plain_dataclass import dataclass, field

if TYPE_CHECKING:
    from costmodel.data import models
from costmodel.errors import InputError, NoPriceError, UnknownIdError

T = TypeVar("T")

PRICING_ENV = "COSTMODEL_PRICING"
SCENARIOS_ENV = "COSTMODEL_SCENARIOS"

ROLE_KINDS = {
    "asr": "asr",
    "llm": "llm",
    "audio-llm": "audio-llm",
    "tts": "tts",
    "telephony": "telephony",
    "self-hosted-asr": "gpu",
    "self-hosted-llm": "gpu",
    "platform": "platform",
    "self-hosted-tts": "gpu",
}
"""The SKU kind each stack role must point at."""


def bundled_dir(name: str) -> Path:
    """A bundled data folder: inside the installed wheel, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent.parent  # costmodel/, two levels above this file
    inside = package / "_data" / name
    return inside if inside.is_dir() else package.parent / name


def pricing_dir(explicit: str | Path | None = None) -> Path:
    return Path(explicit or os.environ.get(PRICING_ENV) or bundled_dir("pricing"))


def scenarios_dir(explicit: str | Path | None = None) -> Path:
    return Path(explicit or os.environ.get(SCENARIOS_ENV) or bundled_dir("scenarios"))


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.exists():
        raise InputError("no such folder", path=folder)
    if not folder.is_dir():
        raise InputError("is a file, expected a folder of YAML files", path=folder)
    # Not filtered to regular files: a folder or dangling link named *.yaml is reported by read_text, not skipped.
    return sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"})


@dataclass(frozen=True)
class Override:
    """An item of the user's folders that replaces a bundled item with the same id (`--pricing/--scenarios DIR`
    add to the bundled library; `load_catalog(..., bundled=True)`)."""

    kind: Literal["sku", "stack", "scenario", "currency"]
    """What is replaced: a SKU (by SKU id), a stack or scenario (by file stem), or a currency's exchange rates."""
    id: str
    """The id shared by the user's item and the bundled one (a currency code for exchange rates)."""
    path: Path
    """The user's file that now defines it."""
    replaces: Path
    """The bundled file whose item it replaces."""


@dataclass
class Catalog:
    """Everything costmodel knows: SKUs by id, stacks and scenarios by file stem, fx rates.

    It holds records (data/records.py), not the models that validated them: that is what the cache keeps.
    """

    skus: dict[str, Sku] = field(default_factory=dict)
    sku_paths: dict[str, Path] = field(default_factory=dict)
    stacks: dict[str, Stack] = field(default_factory=dict)
    stack_paths: dict[str, Path] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    scenario_paths: dict[str, Path] = field(default_factory=dict)
    fx: FxSheet | None = None
    fx_path: Path | None = None
    files: list[Path] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    """Bundled items replaced by same-id items of the user's folders, in loading order (empty unless layered)."""

    def __post_init__(self) -> None:
        # Built directly (tests, notebooks) from file-format models: keep their records, as a load does.
        self.skus = {key: to_record(sku) for key, sku in self.skus.items()}
        self.stacks = {key: to_record(stack) for key, stack in self.stacks.items()}
        self.scenarios = {key: to_record(scenario) for key, scenario in self.scenarios.items()}
        self.fx = to_record(self.fx)

    def sku(self, sku_id: str) -> Sku:
        if sku_id not in self.skus:
            raise UnknownIdError("SKU", sku_id, self.skus)
        return self.skus[sku_id]

    def stack(self, stack_id: str) -> Stack:
        """A stack by id, or by the path of a stack file (see add_file)."""
        if stack_id not in self.stacks and not self.add_file("stack", stack_id):
            raise UnknownIdError("stack", stack_id, self.stacks)
        return self.stacks[stack_id]

    def scenario(self, scenario_id: str) -> Scenario:
        """A scenario by id, or by the path of a scenario file (see add_file)."""
        if scenario_id not in self.scenarios and not self.add_file("scenario", scenario_id):
            raise UnknownIdError("scenario", scenario_id, self.scenarios)
        return self.scenarios[scenario_id]

    def add_file(self, kind: Literal["stack", "scenario"], text: str) -> bool:
        """Where an id is wanted, a path to a YAML file (ending .yaml or .yml) loads that file, validated as the
        folders are (path:line errors, SKU references checked), under the path as given as its id.

        False when `text` does not name a YAML file (it is then an unknown id); a .yaml/.yml name that is no
        file is an error of its own, so a mistyped path is not reported as an unknown id. The path, not the file
        stem, is the id: a copy of a bundled file, edited, never collides with (or hides) the bundled one.
        """
        if not text.endswith((".yaml", ".yml")):
            return False
        from costmodel.data import models
        from costmodel.data.validation import load_model

        path = Path(text)
        if not path.is_file():
            raise InputError(f"no such {kind} file" if not path.exists() else f"is not a {kind} file", path=path)
        items, paths = (self.stacks, self.stack_paths) if kind == "stack" else (self.scenarios, self.scenario_paths)
        items[text] = to_record(load_model(path, models.Stack if kind == "stack" else models.Scenario))
        paths[text] = path
        try:
            check_references(self)
        except BaseException:
            del items[text], paths[text]
            raise
        self.files.append(path)
        return True

    def price(self, sku_id: str, as_of: date) -> PricePeriod:
        """The price period of a SKU in force on a date; NoPriceError, never $0, when there is none."""
        return price_in_force(self.sku(sku_id), as_of)

    def fx_rate(self, currency: str, as_of: date) -> FxPeriod | None:
        """Units of `currency` per USD in force on a date (None for USD itself)."""
        if currency == "USD":
            return None
        known = [rate.currency for rate in self.fx.rates] if self.fx else []
        if currency not in known:
            raise UnknownIdError("currency", currency, ["USD", *known])
        assert self.fx is not None
        rate = next(r for r in self.fx.rates if r.currency == currency)
        in_force = [p for p in rate.periods if p.effective_from <= as_of]
        if not in_force:
            raise NoPriceError(
                f"no {currency} exchange rate in force on {as_of}; the earliest is {rate.periods[0].effective_from}",
                path=self.fx_path,
            )
        return in_force[-1]


FX_STALE_AFTER_DAYS = 90
"""An exchange rate that took effect more than this many days before the costing date is flagged as stale."""

FX_OVERRIDE_SOURCE = "--fx-rate (given on the command line)"
"""The source of a rate a user set for one run; it is never stale."""


def fx_warning(period: FxPeriod, as_of: date) -> str | None:
    """A one-line warning when the rate used took effect more than FX_STALE_AFTER_DAYS before `as_of`."""
    age = (as_of - period.effective_from).days
    if period.source == FX_OVERRIDE_SOURCE or age <= FX_STALE_AFTER_DAYS:
        return None
    return (
        f"exchange rate of {period.effective_from} is {age} days older than {as_of} (over {FX_STALE_AFTER_DAYS}); "
        "converted figures may be off, set a current rate with --fx-rate CODE=UNITS_PER_USD"
    )


def with_fx_rate(catalog: Catalog, currency: str, per_usd: Decimal) -> None:
    """Use one rate for `currency` on every date (a what-if), replacing its dated history in this catalog only."""
    override = FxPeriod(
        source=FX_OVERRIDE_SOURCE, checked=date.today(), estimate=False,
        note=f"1 USD = {per_usd} {currency}, set for this run", effective_from=date.min, per_usd=per_usd,
    )
    rates = [rate for rate in (catalog.fx.rates if catalog.fx else []) if rate.currency != currency]
    catalog.fx = FxSheet(schema_version=1, base="USD", rates=[*rates, FxRate(currency=currency, periods=[override])])


def price_in_force(sku: Sku, as_of: date) -> PricePeriod:
    if sku.withdrawn_on is not None and as_of >= sku.withdrawn_on:
        raise NoPriceError(
            f"{sku.id} was withdrawn on {sku.withdrawn_on}; no price is in force on {as_of}", cause="withdrawn"
        )
    if sku.retires_on is not None and as_of >= sku.retires_on:
        raise NoPriceError(f"{sku.id} retired on {sku.retires_on}; no price is in force on {as_of}", cause="withdrawn")
    in_force = [period for period in sku.periods if period.effective_from <= as_of]
    if not in_force:
        first = sku.periods[0]
        if first.effective_from_basis == "lower-bound":
            # The sources show the price on that date, not when it began: an earlier date is unknown, not unpriced.
            raise NoPriceError(
                f"price of {sku.id} unknown before {first.effective_from} (first recorded then; it may have "
                f"been in force earlier), so none is used on {as_of}",
                cause="unknown-before",
            )
        raise NoPriceError(
            f"no price in force for {sku.id} on {as_of}; its first price starts {first.effective_from}",
            cause="not-launched",
        )
    return in_force[-1]


def add_sheet(catalog: Catalog, sheet: models.PriceSheet, path: Path) -> None:
    """Add a provider sheet's SKUs; a SKU id another file already defines is an error, never an overwrite.

    The one place SKUs enter a catalog, so `validate DIR...` and `--pricing` accept and refuse the same data.
    """
    for sku in sheet.skus:
        if sku.id in catalog.skus:
            raise InputError(f"SKU {sku.id} is also defined in {catalog.sku_paths[sku.id]}", path=path)
    for sku in sheet.skus:
        catalog.skus[sku.id] = to_record(sku)
        catalog.sku_paths[sku.id] = path
    catalog.files.append(path)


def add_stack(catalog: Catalog, stack: models.Stack | Stack, path: Path) -> None:
    """Add a stack under its file stem; a.yaml and a.yml (or two folders) naming the same stack are an error."""
    _add_by_stem("stack", catalog.stacks, catalog.stack_paths, to_record(stack), path)
    catalog.files.append(path)


def add_scenario(catalog: Catalog, scenario: models.Scenario | Scenario, path: Path) -> None:
    """Add a scenario under its file stem, refusing a second file with the same stem."""
    _add_by_stem("scenario", catalog.scenarios, catalog.scenario_paths, to_record(scenario), path)
    catalog.files.append(path)


def _add_by_stem(kind: str, items: dict[str, T], paths: dict[str, Path], item: T, path: Path) -> None:
    if path.stem in items:
        raise InputError(f"{kind} {path.stem} is also defined in {paths[path.stem]}", path=path)
    items[path.stem] = item
    paths[path.stem] = path


def add_fx(catalog: Catalog, fx: models.FxSheet | FxSheet, path: Path) -> None:
    """Set the fx sheet; there is one per catalog."""
    if catalog.fx_path is not None:
        raise InputError(f"exchange rates are also defined in {catalog.fx_path}; keep one fx sheet", path=path)
    catalog.fx = to_record(fx)
    catalog.fx_path = path
    catalog.files.append(path)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a load, and resume it only if it was running before.

    Loading allocates many small objects and frees few; the collector would run over and over for nothing
    (most of the time of a 10,000-SKU load), so it waits until the load is over. Nested pauses are fine.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load_pricing(folder: Path, catalog: Catalog) -> None:
    """Load provider sheets, fx.yaml and stacks/ from a pricing folder into the catalog."""
    from costmodel.data.models import FxSheet, PriceSheet, Stack
    from costmodel.data.validation import load_model

    with collector_paused():
        for path in _yaml_files(folder):
            if path.stem == "fx":
                add_fx(catalog, load_model(path, FxSheet), path)
            else:
                add_sheet(catalog, load_model(path, PriceSheet), path)
        stacks_folder = folder / "stacks"
        if stacks_folder.is_dir():
            for path in _yaml_files(stacks_folder):
                add_stack(catalog, load_model(path, Stack), path)


def load_scenarios(folder: Path, catalog: Catalog) -> None:
    """Load every scenario file of a folder into the catalog."""
    from costmodel.data.models import Scenario
    from costmodel.data.validation import load_model

    with collector_paused():
        for path in _yaml_files(folder):
            add_scenario(catalog, load_model(path, Scenario), path)


class _Where(TypedDict):
    """Where a stack's problem is, as an error's keyword arguments."""

    path: Path
    line: int | None
    field: str


def check_references(catalog: Catalog) -> None:
    """Every stack component (and scenario `with` entry) names a known SKU of the right kind, and self-hosted
    workloads have throughput."""
    # A scenario's shared components (`with:`) name SKUs in the stack format and are checked the same way.
    owners = [(catalog.stack_paths[key], "components", stack.components) for key, stack in catalog.stacks.items()]
    owners += [
        (catalog.scenario_paths[key], "with", scenario.with_) for key, scenario in catalog.scenarios.items() if scenario.with_
    ]
    for path, key, components in owners:
        for index, component in enumerate(components):

            def where(fieldname: str, index: int = index, path: Path = path, key: str = key) -> _Where:
                # Only a broken reference needs the line: the YAML machinery stays unloaded on a warm start.
                from costmodel.data.validation import locate

                loc = (key, index, fieldname)
                return {"path": path, "line": locate(read_text(path), loc), "field": f"{key}[{index}].{fieldname}"}

            if component.sku not in catalog.skus:
                raise UnknownIdError("SKU", component.sku, catalog.skus, **where("sku"))
            sku = catalog.skus[component.sku]
            wanted = ROLE_KINDS[component.role]
            if sku.kind != wanted:
                raise InputError(
                    f"role {component.role} needs a SKU of kind {wanted}, but {sku.id} is {sku.kind}; "
                    f"see costmodel prices --kind {wanted}",
                    **where("sku"),
                )
            if component.workload is not None:
                workloads = [entry.workload for entry in sku.throughput]
                if component.workload not in workloads:
                    raise UnknownIdError(f"workload on {sku.id}", component.workload, workloads, **where("workload"))
                entry = next(e for e in sku.throughput if e.workload == component.workload)
                needed = "output_tokens_per_second" if component.role == "self-hosted-llm" else "real_time_factor"
                if getattr(entry, needed) is None and entry.curve is None:
                    raise InputError(
                        f"{component.role} needs {needed} or a curve in {sku.id}'s {component.workload} throughput",
                        **where("workload"),
                    )
            if component.role in {"audio-llm"} and sku.audio_tokens is None:
                period_fields = {name for p in sku.periods for name in p.prices()}
                if not period_fields & {"usd_per_audio_minute", "usd_per_audio_second", "usd_per_active_minute"}:
                    raise InputError(
                        f"{sku.id} has audio token prices but no audio_tokens rates", path=catalog.sku_paths[sku.id]
                    )
            if component.region is not None:
                regions = sorted({name for period in sku.periods for name in period.regional_uplifts})
                if component.region not in regions:
                    raise UnknownIdError(f"region on {sku.id}", component.region, regions, list_known=True,
                                         **where("region"))


def load_catalog(pricing: str | Path | None = None, scenarios: str | Path | None = None, *,
                 bundled: bool = False) -> Catalog:
    """Load and cross-check the bundled data, or the folders given (or named by the environment).

    With `bundled=True` the folders given are layered over the bundled library instead of replacing it (what
    `--pricing/--scenarios DIR` do on the command line unless `--no-bundled`): the user's SKUs, stacks,
    scenarios and exchange rates are added, and one with the id of a bundled one replaces it, recorded in
    `Catalog.overrides`. Two files of the user's own folders defining one id are still an error.

    A warm start reads the files only to check they are unchanged, and takes the loaded library from the
    cache (data/cache.py); COSTMODEL_CACHE=off always loads from the files.
    """
    from costmodel.data import cache

    pricing_folder, scenarios_folder = pricing_dir(pricing), scenarios_dir(scenarios)
    layers: list[Layer] = [(pricing_folder, scenarios_folder)]
    if bundled:
        base = (bundled_dir("pricing"), bundled_dir("scenarios"))
        user = (_unless_same(pricing_folder, base[0]), _unless_same(scenarios_folder, base[1]))
        layers = [base, *([user] if user != (None, None) else [])]
    if not cache.enabled():
        return _load(layers)
    files = _layer_files(layers)

    def build() -> Catalog:
        catalog = _load(layers)
        # Cache only what was loaded from the bytes the key was made of (a file edited meanwhile: next time).
        if _layer_files(layers) != files:
            raise _Changed(catalog)
        return catalog

    folders = [folder for layer in layers for folder in layer if folder is not None]
    try:
        return cache.cached(folders, files, build, Catalog)
    except _Changed as changed:
        return changed.catalog


def _unless_same(folder: Path, bundled: Path) -> Path | None:
    """The user's folder, or None when it is the bundled folder itself (nothing to add)."""
    try:
        return None if folder.resolve() == bundled.resolve() else folder
    except OSError:
        return folder


Layer = tuple[Path | None, Path | None]
"""A pricing folder and a scenarios folder (None: none of that kind in this layer)."""


class _Changed(Exception):
    """A data file changed while the library was loading: use what was loaded, cache nothing."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__("changed while loading")
        self.catalog = catalog


def _data_files(pricing: Path | None, scenarios: Path | None) -> list[tuple[Path, bytes]]:
    """Every file the library is loaded from, with its bytes, in loading order."""
    paths: list[Path] = []
    if pricing is not None:
        paths += _yaml_files(pricing)
        if (pricing / "stacks").is_dir():
            paths += _yaml_files(pricing / "stacks")
    if scenarios is not None:
        paths += _yaml_files(scenarios)
    return [(path, read_text(path).encode("utf-8")) for path in paths]


def _layer_files(layers: list[Layer]) -> list[tuple[Path, bytes]]:
    return [item for pricing, scenarios in layers for item in _data_files(pricing, scenarios)]


def _load_layer(pricing: Path | None, scenarios: Path | None) -> Catalog:
    catalog = Catalog()
    if pricing is not None:
        load_pricing(pricing, catalog)
    if scenarios is not None:
        load_scenarios(scenarios, catalog)
    return catalog


def _load(layers: list[Layer]) -> Catalog:
    with collector_paused():
        catalog = _load_layer(*layers[0])
        for layer in layers[1:]:
            # Each layer is loaded on its own first, so ids its own files define twice are refused as always.
            overlay(catalog, _load_layer(*layer))
        check_references(catalog)
        return catalog


def overlay(catalog: Catalog, user: Catalog) -> None:
    """Add a user's library to `catalog`: new ids are added, an id `catalog` already has is replaced and recorded
    in `catalog.overrides` (a SKU by SKU id, a stack or scenario by file stem, exchange rates by currency).

    References are not checked here: a user's stack may name bundled SKUs, so the caller checks the whole.
    """
    kinds: list[tuple[Literal["sku", "stack", "scenario"], dict[str, Any], dict[str, Path], dict[str, Any],
                      dict[str, Path]]] = [
        ("sku", catalog.skus, catalog.sku_paths, user.skus, user.sku_paths),
        ("stack", catalog.stacks, catalog.stack_paths, user.stacks, user.stack_paths),
        ("scenario", catalog.scenarios, catalog.scenario_paths, user.scenarios, user.scenario_paths),
    ]
    for kind, items, paths, new_items, new_paths in kinds:
        for key, item in new_items.items():
            if key in items:
                catalog.overrides.append(Override(kind, key, new_paths[key], paths[key]))
            items[key] = item
            paths[key] = new_paths[key]
    if user.fx is not None and user.fx_path is not None:
        if catalog.fx is None or catalog.fx_path is None:
            catalog.fx, catalog.fx_path = user.fx, user.fx_path
        else:
            mine = {rate.currency for rate in user.fx.rates}
            kept = [rate for rate in catalog.fx.rates if rate.currency not in mine]
            catalog.overrides += [Override("currency", rate.currency, user.fx_path, catalog.fx_path)
                                  for rate in catalog.fx.rates if rate.currency in mine]
            catalog.fx = FxSheet(schema_version=catalog.fx.schema_version, base=catalog.fx.base,
                                 rates=[*kept, *user.fx.rates])
            catalog.fx_path = user.fx_path
    catalog.files += user.files
