"""Commands about the data itself: validate, prices, schema, scenarios, stacks."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import click

from costmodel.cli.common import (
    as_of_option,
    bundled_too,
    catalog_for,
    data_options,
    emit,
    format_option,
    json_out,
    output_option,
    overrides_lines,
)
from costmodel.cli.lazy import LazyGroup
from costmodel.data.catalog import (
    Catalog,
    add_fx,
    add_scenario,
    add_sheet,
    add_stack,
    bundled_dir,
    check_references,
    load_pricing,
    overlay,
    price_in_force,
)
from costmodel.data.catalog import pricing_dir as _pricing_folder
from costmodel.data.catalog import scenarios_dir as _scenarios_folder
from costmodel.data.input_files import read_text
from costmodel.data.json_schema import FORMATS
from costmodel.data.models import FxSheet, PriceSheet, Scenario, Stack
from costmodel.data.reader import parse_yaml
from costmodel.data.validation import validate as validate_model
from costmodel.errors import InputError, NoPriceError
from costmodel.safe_text import error_line, one_line, terminal
from costmodel.views.formatting import Rows, table
from costmodel.views.listings import scenario_document, scenario_rows, stack_document, stack_rows
from costmodel.views.prices import PricedSku, price_list_document, price_list_text

FILE_KINDS = {"skus": PriceSheet, "components": Stack, "rates": FxSheet}
"""A top-level key that identifies a file's format; anything else is read as a scenario."""


def _load_any(path: Path) -> Any:
    """One file read once, validated as the format its top-level keys say it is."""
    text = read_text(path)
    data = parse_yaml(text, path)
    model: type = Scenario
    if isinstance(data, dict):
        model = next((m for key, m in FILE_KINDS.items() if key in data), Scenario)
    return validate_model(model, data, path, text)


def _validate_paths(paths: tuple[Path, ...], pricing: Path | None) -> tuple[Catalog, list[InputError]]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Not filtered to regular files: a FIFO or device named *.yaml is reported by the reader, not skipped.
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and not p.is_dir()))
        else:
            files.append(path)
    catalog, errors = Catalog(), []
    # A file named twice (a folder and a file in it, or the same folder twice) is checked once, not reported
    # as defining its own ids twice.
    seen: set[str] = set()
    for path in files:
        real = os.path.realpath(path)  # unlike Path.resolve, never raises (a symlink loop is the reader's to report)
        if real in seen:
            continue
        seen.add(real)
        try:
            loaded = _load_any(path)
            # The catalog's own add_* functions, so duplicates are refused here exactly as --pricing refuses them.
            if isinstance(loaded, PriceSheet):
                add_sheet(catalog, loaded, path)
            elif isinstance(loaded, Stack):
                add_stack(catalog, loaded, path)
            elif isinstance(loaded, Scenario):
                add_scenario(catalog, loaded, path)
            elif isinstance(loaded, FxSheet):
                add_fx(catalog, loaded, path)
        except InputError as exc:
            errors.append(exc)
    # A scenario's shared components (`with:`) point at SKUs just as stack components do.
    sharing = any(scenario.with_ for scenario in catalog.scenarios.values())
    if (catalog.stacks or sharing) and not errors:
        # Stacks (or scenarios with `with:`) point at the SKUs of the files given, laid over the library's (the
        # bundled SKUs and --pricing's, or with --no-bundled only --pricing's when no file given has SKUs).
        try:
            reference = Catalog()
            if bundled_too():
                load_pricing(bundled_dir("pricing"), reference)
            if pricing is not None or not (catalog.skus or bundled_too()):
                overlay(reference, _pricing_only(_pricing_folder(pricing)))
            overlay(reference, Catalog(skus=catalog.skus, sku_paths=catalog.sku_paths))
            check_references(Catalog(skus=reference.skus, sku_paths=reference.sku_paths, stacks=catalog.stacks,
                                      stack_paths=catalog.stack_paths, scenarios=catalog.scenarios,
                                      scenario_paths=catalog.scenario_paths))
        except InputError as exc:
            errors.append(exc)
    return catalog, errors


def _pricing_only(folder: Path) -> Catalog:
    """The SKUs of a pricing folder (its stacks are not needed to check references to them)."""
    catalog = Catalog()
    for path in sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.stem != "fx"):
        add_sheet(catalog, _load_any(path), path)
    return catalog


def _max_age(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """`120d` or `120` as a number of days."""
    if value is None:
        return None
    text = value.strip().lower().removesuffix("d")
    if not text.isdigit() or len(text) > 6:
        raise click.BadParameter(f"'{value}' is not a number of days such as 120d", ctx, param)
    return int(text)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--max-age", callback=_max_age, metavar="DAYS",
              help="Also list prices whose source was last read more than DAYS ago (e.g. 120d); exit 1 if any.")
@as_of_option
@data_options
def validate(paths: tuple[Path, ...], max_age: int | None, as_of: date | None, pricing_dir: Path | None,
             scenarios_dir: Path | None) -> int:
    """Check price sheets, stacks and scenarios: formats, price histories, provenance and cross-references.

    With no PATHS, checks the bundled data (or --pricing/--scenarios). Each problem is one line
    `path:line: field: what is wrong`; exit status 2 if there is any. Every price period must say how its
    start date is known (effective_from_basis). With --max-age, prices not re-read within that many days of
    today (or --as-of) are listed and the exit status is 1.
    """
    from costmodel.data.provenance import unstated_starts

    status = _validate(paths, pricing_dir, scenarios_dir)
    if isinstance(status, int):
        return status
    catalog = status
    problems = unstated_starts(catalog)
    if problems:
        for error in problems:
            click.echo(error_line(str(error)), err=True)
        return 2
    periods = sum(len(sku.periods) for sku in catalog.skus.values())
    click.echo(
        f"ok: {_count(len(catalog.files), 'file')}, {_count(len(catalog.skus), 'SKU')} with "
        f"{_count(periods, 'price period')}, {_count(len(catalog.stacks), 'stack')}, "
        f"{_count(len(catalog.scenarios), 'scenario')}"
    )
    for line in overrides_lines(catalog):
        click.echo(terminal(f"note: {line}"))
    if max_age is None:
        return 0
    from datetime import timedelta

    from costmodel.data.provenance import stale

    today = as_of or date.today()
    old = stale(catalog, today, timedelta(days=max_age))
    for ref in old:
        click.echo(terminal(
            f"stale: {ref.sku} from {ref.period.effective_from}: source last read {ref.period.checked} "
            f"({(today - ref.period.checked).days} days before {today}): {ref.period.source}"
        ))
    click.echo(f"{_count(len(old), 'price period')} not re-read within {max_age} days of {today}")
    return 1 if old else 0


def _validate(paths: tuple[Path, ...], pricing_dir: Path | None, scenarios_dir: Path | None) -> Catalog | int:
    """The checked catalog, or exit status 2 after printing every problem."""
    if paths:
        catalog, errors = _validate_paths(paths, pricing_dir)
    else:
        errors = []
        catalog = Catalog()
        try:
            catalog = catalog_for(pricing_dir, scenarios_dir)
        except InputError as exc:
            # The loader stops at the first problem; scan file by file so every broken file is listed.
            folders = (_pricing_folder(pricing_dir), _scenarios_folder(scenarios_dir))
            _, errors = _validate_paths(folders, pricing_dir)
            errors = errors or [exc]
    if errors:
        for error in errors:
            click.echo(error_line(str(error)), err=True)
        return 2
    return catalog


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class PricesGroup(LazyGroup):
    """`prices` lists prices itself and has subcommands (diff) loaded on demand."""

    COMMANDS: ClassVar[dict[str, tuple[str, str]]] = {
        "diff": ("costmodel.cli.writers:prices_diff", "Every price that differs between two dates or two folders."),
    }


def _priced_skus(catalog: Catalog, on: date, provider: str | None, kind: str | None) -> tuple[list[PricedSku], int]:
    """The SKUs to list with their price period in force on the date, and how many had none."""
    priced: list[PricedSku] = []
    missing = 0
    for sku_id in sorted(catalog.skus):
        sku = catalog.skus[sku_id]
        if (provider and sku_id.split("/")[0] != provider) or (kind and sku.kind != kind):
            continue
        try:
            priced.append((sku, price_in_force(sku, on)))
        except NoPriceError:
            missing += 1
    return priced, missing


@click.group(cls=PricesGroup, invoke_without_command=True)
@click.option("--provider", metavar="NAME", help="Only this provider's SKUs (e.g. openai).")
@click.option("--provenance", is_flag=True,
              help="Instead of prices: periods by source kind (vendor, secondary, inferred) and the oldest reads.")
@click.option(
    "--kind", type=click.Choice(["asr", "llm", "audio-llm", "tts", "gpu", "telephony", "platform"]),
    help="Only SKUs of this kind."
)
@as_of_option
@format_option
@output_option
@data_options
@click.pass_context
def prices(ctx: click.Context, provider: str | None, provenance: bool, kind: str | None, as_of: date | None,
           fmt: str, output: Path | None, pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """List the prices in force on a date, each with its source and the date that source was checked."""
    if ctx.invoked_subcommand is not None:
        given = [name for name in ("provider", "kind", "as_of", "output") if ctx.params.get(name) is not None]
        given += ["provenance"] if provenance else []
        if given or fmt != "table":
            raise click.UsageError(
                f"options before '{ctx.invoked_subcommand}' belong to 'prices'; put them after "
                f"'{ctx.invoked_subcommand}' (see costmodel prices {ctx.invoked_subcommand} --help)", ctx
            )
        return
    catalog = catalog_for(pricing_dir, scenarios_dir)
    if provenance:
        from costmodel.data.provenance import provenance as summarise
        from costmodel.views.prices import provenance_document, provenance_text

        summary = summarise(catalog)
        emit(json_out(provenance_document(summary)) if fmt == "json" else provenance_text(summary, fmt), output,
             catalog)
        return
    on = as_of or date.today()
    if provider and provider not in {s.split("/")[0] for s in catalog.skus}:
        from costmodel.errors import UnknownIdError

        raise UnknownIdError("provider", provider, {s.split("/")[0] for s in catalog.skus}, field="--provider")
    priced, missing = _priced_skus(catalog, on, provider, kind)
    if fmt == "json":
        text = json_out(price_list_document(priced, on, missing))
    else:
        text = price_list_text(priced, on, missing, fmt)
    emit(text, output, catalog)


OUTPUT = "output"
"""`costmodel schema output COMMAND`: the schema of a command's JSON output rather than of a file format."""


@click.command()
@click.argument("name", type=click.Choice([*FORMATS, OUTPUT]), required=False)
@click.argument("command", required=False, metavar="[COMMAND]")
@click.option("--write-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write every schema to DIR/<name>.schema.json and DIR/output/<command>.schema.json instead of "
              "printing one.")
def schema(name: str | None, command: str | None, write_dir: Path | None) -> None:
    """Print the JSON Schema of a file format (pricesheet, scenario, stack, fx, claims, calls), generated from the
    models, or with `output COMMAND` of a command's --format json document (compare, prices-diff, ...)."""
    from costmodel.data.json_schema import schema_json
    from costmodel.views.output_schema import OUTPUTS, output_schema_json

    if write_dir is not None:
        from costmodel.views.files import write_all

        # All or none: every path checked, every file staged, then all renamed.
        files = [(write_dir / f"{each}.schema.json", schema_json(each)) for each in FORMATS]
        files += [(write_dir / OUTPUT / f"{each}.schema.json", output_schema_json(each)) for each in OUTPUTS]
        # A missing DIR is reported by write_all; its output/ folder is made here, and taken away again when
        # nothing could be written, so a failed run leaves DIR as it was.
        made = write_dir.is_dir() and not (write_dir / OUTPUT).exists()
        if made:
            (write_dir / OUTPUT).mkdir()
        try:
            write_all(files)
        except BaseException:
            if made:
                (write_dir / OUTPUT).rmdir()
            raise
        click.echo(f"wrote {len(FORMATS)} format schemas and {len(OUTPUTS)} output schemas to {one_line(str(write_dir))}",
                   err=True)
        return
    if name is None:
        raise click.UsageError("name a format: " + ", ".join(FORMATS) + f", or {OUTPUT} COMMAND")
    if name != OUTPUT:
        if command is not None:
            raise click.UsageError(f"a format takes no command (got '{command}'); did you mean {OUTPUT} {command}?")
        click.echo(schema_json(name), nl=False)
        return
    key = (command or "").replace(" ", "-")
    if key not in OUTPUTS:
        given = f"'{command}' is not a command with JSON output; " if command else ""
        raise click.UsageError(f"{given}name one: " + ", ".join(OUTPUTS))
    click.echo(output_schema_json(key), nl=False)


@click.command()
@format_option
@data_options
def scenarios(fmt: str, pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """List the call profiles (scenarios) with their volumes and lengths."""
    catalog = catalog_for(pricing_dir, scenarios_dir)
    if fmt == "json":
        emit(json_out(scenario_document(catalog.scenarios)), None, catalog)
        return
    _list(scenario_rows(catalog.scenarios), fmt, catalog)


@click.command()
@format_option
@data_options
def stacks(fmt: str, pricing_dir: Path | None, scenarios_dir: Path | None) -> None:
    """List the stacks with their architecture and components."""
    catalog = catalog_for(pricing_dir, scenarios_dir)
    if fmt == "json":
        emit(json_out(stack_document(catalog.stacks)), None, catalog)
        return
    _list(stack_rows(catalog.stacks), fmt, catalog)


def _list(view: Rows, fmt: str, catalog: Catalog) -> None:
    """A listing to standard output; listings take no -o (they describe the data rather than cost it)."""
    emit(table(view.rows, view.columns, fmt), None, catalog)
