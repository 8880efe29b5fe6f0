"""Options and helpers every costmodel command shares: data folders, dates, currency, formats, what-ifs, output."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from costmodel.core.overrides import ALL_PRICES, PriceChange, parse_price_change, parse_settings
from costmodel.data.catalog import PRICING_ENV, SCENARIOS_ENV, Catalog, load_catalog
from costmodel.data.meters import PRICE_ALIASES, PRICE_FIELDS
from costmodel.data.records import StackComponent
from costmodel.errors import InputError, UnknownIdError
from costmodel.plain_dataclass import dataclass
from costmodel.safe_text import one_line, terminal
from costmodel.views.formatting import FORMATS
from costmodel.views.text_table import MAX_WIDTH

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


NO_BUNDLED_ENV = "COSTMODEL_NO_BUNDLED"


def _no_bundled(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Kept on the context for catalog_for: every command with data options loads the library one way."""
    ctx.meta["costmodel.no_bundled"] = bool(value)


def data_options(fn: F) -> F:
    fn = click.option(
        "--no-bundled", is_flag=True, envvar=NO_BUNDLED_ENV, expose_value=False, callback=_no_bundled,
        help="Use only the folders given by --pricing/--scenarios instead of adding them to the bundled data "
        f"(env {NO_BUNDLED_ENV}=1).",
    )(fn)
    fn = click.option(
        "--scenarios", "scenarios_dir", envvar=SCENARIOS_ENV, metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"Folder of scenario YAML files to add to the bundled ones; a file with a bundled scenario's name "
        f"replaces it (env {SCENARIOS_ENV}).",
    )(fn)
    fn = click.option(
        "--pricing", "pricing_dir", envvar=PRICING_ENV, metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of price sheets (with stacks/ and fx.yaml) to add to the bundled ones; a SKU, stack or "
        f"currency with a bundled one's id replaces it, and the output says so (env {PRICING_ENV}).",
    )(fn)
    return fn


def parse_date(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date in YYYY-MM-DD form, e.g. 2025-06-01") from None


def as_of_option(fn: F) -> F:
    return click.option(
        "--as-of", "as_of", callback=parse_date, metavar="DATE",
        help="Use the prices in force on this date (YYYY-MM-DD). Default: today.",
    )(fn)


def _fx_rate(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """`GBP=0.79`: kept on the context for `costing` to apply once the catalog is loaded."""
    if value is None:
        return
    from decimal import Decimal, InvalidOperation

    code, _, number = value.partition("=")
    code = code.strip().upper()
    try:
        rate = Decimal(number.strip())
    except InvalidOperation:
        rate = Decimal(0)
    if not re.fullmatch(r"[A-Z]{3}", code) or code == "USD" or not rate.is_finite() or not 0 < rate < 10**6:
        raise click.BadParameter(f"'{value}' is not CODE=UNITS_PER_USD, e.g. GBP=0.79", ctx, param)
    ctx.meta["costmodel.fx_rate"] = (code, rate)


def currency_option(fn: F) -> F:
    fn = click.option(
        "--fx-rate", callback=_fx_rate, expose_value=False, metavar="CODE=RATE",
        help="Use this exchange rate (units per USD) instead of pricing/fx.yaml, e.g. GBP=0.79; shown in the output.",
    )(fn)
    return click.option(
        "--currency", default="USD", show_default=True, metavar="CODE",
        callback=lambda ctx, param, value: value.upper(),
        help="Show money in this currency, converted with the dated rate in pricing/fx.yaml (USD, GBP, EUR).",
    )(fn)


def terminal_columns() -> int | None:
    """Columns a table printed now may take: $COLUMNS when set to a number, else the terminal's width when
    standard output is one, else None (piped output is never wrapped)."""
    given = os.environ.get("COLUMNS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return None


def format_option(fn: F) -> F:
    """--format, and --wide: a table printed to a terminal wraps its text columns to fit unless --wide."""

    @functools.wraps(fn)
    def fitted(*args: Any, wide: bool, **kwargs: Any) -> Any:
        output = kwargs.get("output")
        to_screen = output is None or str(output) == "-"
        width = terminal_columns() if to_screen and not wide and kwargs.get("fmt") == "table" else None
        context = click.get_current_context(silent=True)
        if context is not None:  # for emit's note on overridden bundled data, in the command's format
            context.meta["costmodel.format"] = kwargs.get("fmt")
        token = MAX_WIDTH.set(width)
        try:
            return fn(*args, **kwargs)
        finally:
            MAX_WIDTH.reset(token)

    wrapped: F = click.option(  # type: ignore[assignment]  # functools.wraps hides that it takes fn's arguments
        "--wide", is_flag=True,
        help="Print tables at full width; by default a table printed to a terminal wraps long text to fit "
        "$COLUMNS or the terminal (figures are never wrapped; files and machine formats never are).",
    )(fitted)
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
        help="Output format; json is exact and documented in the README.",
    )(wrapped)


class OutputPath(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2 on; [...] fails on 8.1
    """An output file name, refused at parse time (before any work) unless it is new or a regular file.

    `-` means standard output where `allow_stdout`; a file really named `-` is written `./-`.
    """

    name = "file"

    def __init__(self, allow_stdout: bool = True) -> None:
        self.allow_stdout = allow_stdout

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from costmodel.views.files import STDOUT, target_problem

        if isinstance(value, Path):
            value = str(value)
        if value == STDOUT and self.allow_stdout:
            return Path(STDOUT)
        path = Path(value)
        if path.parts == (STDOUT,):  # `./-` normalises to `-`: keep it a file in this folder
            path = Path.cwd() / STDOUT
        problem = target_problem(path)
        if problem is not None:
            self.fail(f"'{value}' {problem}", param, ctx)
        return path


def output_option(fn: F) -> F:
    return click.option(
        "-o", "--output", type=OutputPath(), metavar="FILE",
        help="Write to FILE (atomically: the whole new file or the old one, never part) instead of standard "
        "output; - is standard output. Only a new file or a regular file is replaced.",
    )(fn)


def check_outputs(*targets: Path | None, catalog: Catalog | None = None, inputs: Iterable[Path] = ()) -> None:
    """Refuse a bad output (an input file, a missing folder, two outputs that are one file) before the work."""
    from costmodel.views.files import check_targets

    check_targets([t for t in targets if t is not None], [*(catalog.files if catalog else ()), *inputs])


def whatif_options(fn: F) -> F:
    fn = click.option(
        "--with", "with_", multiple=True, metavar="[ROLE=]SKU[,FIELD=VALUE]",
        help="Price this component on every stack, repeatable: it replaces a stack's own component of the same role "
        "or is added (e.g. --with twilio/uk-inbound, --with telephony=twilio/uk-inbound,legs=2). The role is "
        "the SKU's kind unless given.",
    )(fn)
    fn = click.option(
        "--price", "prices", multiple=True, metavar="SKU.FIELD=VALUE",
        help="What-if price, repeatable: openai/gpt-4o-mini.input=0.10, "
        "openai/gpt-audio-mini.audio_input=*0.5 or =-20%.",
    )(fn)
    fn = click.option(
        "--set", "settings", multiple=True, metavar="FIELD=VALUE",
        help="Override a scenario field, repeatable: --set turns=12 --set caller_audio_seconds=20..60.",
    )(fn)
    return fn


def costing_options(fn: F) -> F:
    """The options every costing command shares: date, currency, --set/--price/--with, format, output, data folders."""
    for option in (data_options, output_option, format_option, whatif_options, currency_option, as_of_option):
        fn = option(fn)
    return fn


def complete_ids(kind: str) -> Callable[[click.Context, click.Parameter, str], list[Any]]:
    """Shell completion of scenario, stack or SKU ids from the library the command line names (or the bundled one).

    Completion must never fail loudly: a library that does not load completes nothing.
    """

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from costmodel.errors import CostmodelError

        try:
            catalog = load_catalog(ctx.params.get("pricing_dir"), ctx.params.get("scenarios_dir"),
                                   bundled=not ctx.meta.get("costmodel.no_bundled", False))
        except (CostmodelError, OSError):
            return []
        ids = sorted(catalog.scenarios if kind == "scenario" else catalog.stacks if kind == "stack" else catalog.skus)
        return [CompletionItem(name) for name in ids if name.startswith(incomplete)]

    return complete


def bundled_too() -> bool:
    """Whether the folders given add to the bundled library (the default) or replace it (--no-bundled)."""
    context = click.get_current_context(silent=True)
    return not (context is not None and context.meta.get("costmodel.no_bundled", False))


def catalog_for(pricing_dir: Path | None, scenarios_dir: Path | None) -> Catalog:
    """The library a command works on: the folders given added to the bundled data, or alone with --no-bundled."""
    return load_catalog(pricing_dir, scenarios_dir, bundled=bundled_too())


def overrides_lines(catalog: Catalog) -> list[str]:
    """One line per bundled item the user's folders replace (nothing when none is)."""
    return [f"{item.kind} {item.id}: {item.path} replaces the bundled {item.replaces}" for item in catalog.overrides]


@dataclass(frozen=True)
class Costing:
    """What every costing command starts from: the catalog, parsed what-ifs (SKUs checked) and the pricing date."""

    catalog: Catalog
    settings: dict[str, Any]
    price_changes: list[PriceChange]
    as_of: date
    with_components: list[StackComponent]
    """Shared components from --with, priced on every stack (core/shared.py)."""
    baseline_catalog: Catalog
    """The library without --fx-rate (the same object when none is given): what `--baseline` runs on."""

    def options(self, currency: str) -> dict[str, Any]:
        """The keyword arguments of an analysis run with this command line's date, currency and what-ifs."""
        return {"as_of": self.as_of, "currency": currency, "settings": self.settings,
                "price_changes": self.price_changes, "with_components": self.with_components}

    def run(self, analysis: Callable[..., T], *args: Any, baseline: bool = False, **options: Any) -> T:
        """`analysis(catalog, *args, **options)`, or with `baseline` the result against the run without what-ifs."""
        if not baseline:
            return analysis(self.catalog, *args, **options)
        from costmodel.analyses.baseline import with_baseline

        return with_baseline(analysis, self.catalog, *args, baseline_catalog=self.baseline_catalog, **options)


def costing(pricing_dir: Path | None, scenarios_dir: Path | None, settings: tuple[str, ...], prices: tuple[str, ...],
            as_of: date | None, currency: str, with_: tuple[str, ...] = ()) -> Costing:
    """Parse --set/--price before loading anything, load the data, then check SKUs (--price, --with) and the
    currency for the date."""
    from costmodel.core.shared import parse_with

    overrides = parse_settings(settings)
    changes = [parse_price_change(text) for text in prices]
    catalog = catalog_for(pricing_dir, scenarios_dir)
    for change in changes:
        if change.sku not in catalog.skus:
            known, dot, name = change.sku.rpartition(".")
            if dot and change.price_field == ALL_PRICES and known in catalog.skus:  # SKU.FIELD, FIELD misspelt
                raise UnknownIdError("price field", name, [*PRICE_ALIASES, *PRICE_FIELDS], field="--price")
            raise UnknownIdError("SKU", change.sku, catalog.skus, field="--price")
    shared = [parse_with(text, catalog) for text in with_]
    roles = [component.role for component in shared]
    for role in roles:
        if roles.count(role) > 1:
            raise InputError(f"role {role} is given twice; every stack gets one component per role", field="--with")
    on = as_of or date.today()
    plain = catalog
    context = click.get_current_context(silent=True)
    if context is not None and context.meta.get("costmodel.fx_rate") is not None:
        import dataclasses

        plain = dataclasses.replace(catalog)  # check_currency gives `catalog` the rate; the baseline keeps the file's
    check_currency(catalog, currency, on)
    return Costing(catalog, overrides, changes, on, shared, plain)


def baseline_option(fn: F) -> F:
    return click.option(
        "--baseline", is_flag=True,
        help="With what-ifs (--set, --price, --with, --fx-rate): show each figure's change from the same run "
        "without them, in money and percent (Δ columns; `baseline` fields in JSON; _baseline/_change columns in CSV).",
    )(fn)


def check_currency(catalog: Catalog, currency: str, on: date) -> None:
    """The currency has a rate on the date (--fx-rate applied first); a stale rate is warned about on stderr."""
    from costmodel.data.catalog import fx_warning, with_fx_rate

    context = click.get_current_context(silent=True)
    override = context.meta.get("costmodel.fx_rate") if context else None
    if override is not None:
        with_fx_rate(catalog, *override)
    try:
        period = catalog.fx_rate(currency, on)
    except InputError as exc:
        raise InputError(exc.message, field="--currency") from None
    warning = fx_warning(period, on) if period else None
    if warning:
        # On stderr as well as in the output, so CSV (which has no header to carry it) is warned too.
        click.echo(f"warning: {currency} {warning}", err=True)


def split_ids(value: str | None) -> list[str] | None:
    """A comma list of ids, each once in first-given order: `--stacks a,a` must not cost or list `a` twice."""
    if not value:
        return None
    parts = (part.strip() for part in value.split(","))
    return list(dict.fromkeys(part for part in parts if part))


def emit(text: str, output: Path | None, catalog: Catalog | None = None, inputs: Iterable[Path] = (),
         also: Sequence[tuple[Path, str | bytes]] = ()) -> None:
    """Print, or write atomically to a file that is not one of the inputs; `also`: more files written with it.

    Every file is checked before any is written and all are replaced or none (see costmodel.views.files.write_all);
    the text goes to standard output last, when there is no -o or it is `-`. Either way the text holds no
    control character (safe_text.terminal): a table or report is read in a terminal, and text from the data
    must not drive it.
    """
    if catalog is not None and catalog.overrides:
        text = with_overrides(text, catalog)
    text = terminal(text)
    from costmodel.views.files import STDOUT, write_all

    if output is None and not also:
        click.echo(text, nl=False)
        return
    outputs = [*also, (output if output is not None else Path(STDOUT), text)]
    written = write_all(outputs, [*(catalog.files if catalog else ()), *inputs])
    # The main output named first, then the files written with it.
    files = [str(target.given) for target in [written[-1], *written[:-1]] if not target.is_stdout]
    if files:
        click.echo(f"wrote {one_line(', '.join(files))}", err=True)  # a file name may hold control characters


NOT_INPUTS = frozenset({"fmt", "output", "wide"})
"""Options that choose how a result is shown or where it goes, not what is computed: left out of `inputs`."""


def json_out(document: dict[str, Any]) -> str:
    """A command's JSON document as text, its envelope's `inputs` set to the arguments and options the running
    command was given (ids or file paths, dates, what-ifs, folders; null where left to the default), each named as
    the command line spells it (`set`, `price`, `with`, `pricing`, `as_of`)."""
    from costmodel.views.envelope import with_inputs
    from costmodel.views.formatting import dump_json

    ctx = click.get_current_context()
    inputs: dict[str, Any] = {}
    fx_rate = ctx.meta.get("costmodel.fx_rate")  # --fx-rate is kept on the context, not passed as a parameter
    for param in ctx.command.params:
        if param.name is None or param.name in NOT_INPUTS:
            continue
        longest = max(param.opts, key=len) if isinstance(param, click.Option) else param.name
        if param.name in ctx.params:
            inputs[longest.lstrip("-").replace("-", "_")] = ctx.params[param.name]
        elif param.name == "fx_rate":
            inputs["fx_rate"] = None if fx_rate is None else f"{fx_rate[0]}={fx_rate[1]}"
        elif param.name == "no_bundled":  # kept on the context too: whether the folders replaced the bundled data
            inputs["no_bundled"] = bool(ctx.meta.get("costmodel.no_bundled", False))
    return dump_json(with_inputs(document, inputs))


def with_overrides(text: str, catalog: Catalog) -> str:
    """The output with the bundled items the user's folders replace: an `overrides` list in JSON, a note under
    a table or Markdown, and on standard error for CSV (whose one header row and plain data a note would break)."""
    context = click.get_current_context(silent=True)
    fmt = context.meta.get("costmodel.format") if context is not None else None
    if fmt == "json":
        import json

        from costmodel.views.formatting import dump_json

        document = json.loads(text)
        if isinstance(document, dict) and "overrides" in document:  # the envelope's key (views/envelope.py)
            document["overrides"] = [{"kind": item.kind, "id": item.id, "file": str(item.path),
                                      "replaces": str(item.replaces)} for item in catalog.overrides]
            return dump_json(document)
        return text
    lines = overrides_lines(catalog)
    if fmt in ("table", "markdown"):
        from costmodel.safe_text import for_format

        heading = "Your data replaces bundled items:"
        if fmt == "markdown":
            return text + "\n" + heading + "\n\n" + "".join(f"- {for_format(line, fmt)}\n" for line in lines)
        return text + "\n" + heading + "\n" + "".join(f"  {for_format(line, fmt)}\n" for line in lines)
    for line in lines:
        click.echo(terminal(f"note: {line}"), err=True)
    return text
