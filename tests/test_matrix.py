"""Every command × every --format it accepts × every bundled scenario (and stack) runs clean, and its output parses.

Commands and formats are read from the CLI itself (costmodel.cli.COMMANDS, each command's --format choices,
subcommands of groups, the report's file suffixes), so a new command or format cannot escape the matrix: one
whose arguments this file does not know how to fill fails `test_every_command_is_in_the_matrix`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import click
from click.testing import CliRunner

from costmodel.cli import COMMANDS, cli
from costmodel.data.catalog import Catalog, bundled_dir, load_catalog
from costmodel.errors import NoPriceError
from costmodel.views.report.build import SUFFIXES

ROOT = Path(__file__).resolve().parent.parent
ON = date(2026, 11, 24)
"""A fixed date, so the matrix does not change with the calendar."""
CATALOG = load_catalog(bundled_dir("pricing"), bundled_dir("scenarios"))
SCENARIOS = sorted(CATALOG.scenarios)
STACKS = sorted(CATALOG.stacks)
ARTICLES = ROOT / "articles"

REQUIRED_OPTIONS = {"over": ["--over", "calls_per_month"], "vary": ["--vary", "calls_per_month=1000:100000"],
                    "stack": ["--stack", "budget-first"]}
"""A value for each required option a command may have."""
EXTRA = {("prices", "diff"): ["--from", "2024-06-01", "--to", ON.isoformat()]}
"""Options a command needs although click does not mark them required (a usage error without them)."""
KNOWN_ARGUMENTS = {"scenario", "stack", "stack_a", "stack_b", "paths", "name", "command", "template", "article", "calls"}


def command_tree() -> list[tuple[tuple[str, ...], click.Command]]:
    """(path, command) for every command and subcommand, as the CLI lists them."""
    context = click.Context(cli, info_name="costmodel")
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None
        found.append(((name,), command))
        if isinstance(command, click.Group):
            inner = click.Context(command, parent=context, info_name=name)
            for sub in command.list_commands(inner):
                subcommand = command.get_command(inner, sub)
                assert subcommand is not None
                found.append(((name, sub), subcommand))
    return found


def formats(command: click.Command) -> list[str | None]:
    """The --format choices a command accepts, or [None] when it has no --format."""
    for param in command.params:
        if isinstance(param, click.Option) and "--format" in param.opts:
            assert isinstance(param.type, click.Choice)
            return [str(choice) for choice in param.type.choices]
    return [None]


def latest_priced(stacks: list[str], catalog: Catalog = CATALOG) -> date | None:
    """The latest date on or before ON when every component of these stacks has a price in force."""
    skus = {c.sku for stack in stacks for c in catalog.stack(stack).components}
    candidates = {ON} | {p.effective_from for sku in skus for p in catalog.sku(sku).periods if p.effective_from <= ON}
    for day in sorted(candidates, reverse=True):
        try:
            for sku in skus:
                catalog.price(sku, day)
        except NoPriceError:
            continue
        return day
    return None


def partner(index: int) -> str:
    """The next stack in rotation that shares a priced date with STACKS[index] (or just the next, for a stack
    never priced): the pairs cover every stack."""
    for step in range(1, len(STACKS)):
        other = STACKS[(index + step) % len(STACKS)]
        if latest_priced([STACKS[index], other]) is not None:
            return other
    return STACKS[(index + 1) % len(STACKS)]


def dated(stacks: list[str]) -> tuple[str, str]:
    """What a case on these stacks expects, and the date to ask for: a date they are all priced on, if any.

    A bundled stack priced on no date at all (latency-first: its LLM was withdrawn before its speech-to-text
    launched) can only answer "no price is in force", never $0: a clean exit 2.
    """
    day = latest_priced(stacks)
    return ("ok", day.isoformat()) if day is not None else ("unpriced", ON.isoformat())


def report_kinds() -> list[tuple[str, str]]:
    """(kind, one suffix that asks for it) for each document kind `report` writes."""
    return sorted({kind: suffix for suffix, kind in SUFFIXES.items()}.items())


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    fmt: str | None
    expect: Literal["ok", "flagged", "unpriced"] = "ok"
    written: Path | None = None
    """The file the command writes (report -o), checked instead of standard output."""
    """ok: exit 0; flagged: audit, exit 1 exactly when it flags a claim (its documented finding), else 0;
    unpriced: exit 2 and one line saying no price is in force."""

    @property
    def id(self) -> str:
        return " ".join(self.args)


def calls_file(out: Path, scenario: str) -> Path:
    """Call records drawn from a bundled scenario, with a recorded cost (what reconcile needs)."""
    from costmodel.analyses.synthetic import synthetic_columns

    target = out / f"calls-{scenario}.jsonl"
    if target.exists() or out == Path("unused"):
        return target
    columns = synthetic_columns(CATALOG.scenario(scenario), 40, seed=1)
    with target.open("w", encoding="utf-8") as handle:
        for i in range(40):
            row = {name: (values[i].as_py() if hasattr(values[i], "as_py") else values[i].item())
                   for name, values in columns.items()}
            row["start_time"] = f"2026-10-01T{i % 24:02d}:{i % 60:02d}:00Z"
            row.update(actual_cost=0.05, actual_cost_currency="USD")
            handle.write(json.dumps(row) + "\n")
    return target


def cases_for(path: tuple[str, ...], command: click.Command, out: Path) -> Iterator[Case]:
    names = [p.name for p in command.params if isinstance(p, click.Argument)]
    required = [p.name for p in command.params if isinstance(p, click.Option) and p.required]
    unknown = (set(names) - KNOWN_ARGUMENTS) | (set(required) - set(REQUIRED_OPTIONS) - {"output"})
    assert not unknown, f"{' '.join(path)}: teach the matrix to fill {sorted(unknown)}"  # type: ignore[type-var]
    options = [part for name in required if name in REQUIRED_OPTIONS for part in REQUIRED_OPTIONS[name]]
    options += EXTRA.get(path, [])
    for fmt in formats(command):
        tail = [*options, *(["--format", fmt] if fmt else [])]
        if "stack_a" in names:
            # Every stack once per format, each with a partner priced on the same day, scenarios in rotation.
            for i, stack in enumerate(STACKS):
                other = partner(i)
                expect, day = dated([stack, other])
                yield Case((*path, SCENARIOS[i % len(SCENARIOS)], stack, other, *tail, "--as-of", day), fmt, expect)
        elif "stack" in names and path == ("sensitivity",):
            # A selection, as for pairs: every stack once per format, scenarios in rotation (each twice).
            for i, stack in enumerate(STACKS):
                expect, day = dated([stack])
                yield Case((*path, SCENARIOS[i % len(SCENARIOS)], stack, *tail, "--as-of", day), fmt, expect)
        elif "stack" in names and path == ("capacity",):
            # GPU plans: every scenario on every stack with self-hosted parts (on others it is a usage error).
            hosted = [s for s in STACKS if any(c.role.startswith("self-hosted") for c in CATALOG.stack(s).components)]
            for scenario in SCENARIOS:
                for stack in hosted:
                    expect, day = dated([stack])
                    yield Case((*path, scenario, stack, *tail, "--as-of", day), fmt, expect)
        elif "stack" in names:
            for scenario in SCENARIOS:
                for stack in STACKS:
                    expect, day = dated([stack])
                    yield Case((*path, scenario, stack, *tail, "--as-of", day), fmt, expect)
        elif "calls" in names:
            # replay, reconcile, calibrate: records drawn from each bundled scenario.
            for scenario in SCENARIOS:
                takes_date = any(isinstance(p, click.Option) and "--as-of" in p.opts for p in command.params)
                yield Case((*path, str(calls_file(out, scenario)), *tail,
                            *(["--as-of", ON.isoformat()] if takes_date else [])), fmt)
        elif "scenario" in names and "output" in required:
            # report: every scenario, its document kinds (from the file suffixes it accepts) in rotation.
            kinds = report_kinds()
            for i, scenario in enumerate(SCENARIOS):
                kind, suffix = kinds[i % len(kinds)]
                target = out / f"{scenario}-{kind}{suffix}"
                yield Case((*path, scenario, "-o", str(target), *tail, "--as-of", ON.isoformat()), fmt, written=target)
        elif "scenario" in names:
            for scenario in SCENARIOS:
                yield Case((*path, scenario, *tail, "--as-of", ON.isoformat()), fmt)
        elif "name" in names:
            (argument,) = [p for p in command.params if p.name == "name"]
            assert isinstance(argument.type, click.Choice)
            for choice in argument.type.choices:
                if choice == "output" and "command" in names:  # `schema output COMMAND`: every command's schema
                    from costmodel.views.output_schema import OUTPUTS

                    for output in OUTPUTS:
                        yield Case((*path, "output", output, *tail), fmt)
                    continue
                yield Case((*path, str(choice), *tail), fmt)
        elif "template" in names:
            for template in sorted(ARTICLES.glob("*.tmpl")):
                yield Case((*path, str(template), "--as-of", ON.isoformat(), *tail), fmt)
        elif "article" in names:
            for claims in sorted(ARTICLES.glob("*.claims.yaml")):
                article = claims.with_name(claims.name.removesuffix(".claims.yaml") + ".md")
                yield Case((*path, str(article), "--as-of", ON.isoformat(), *tail), fmt, "flagged")
        else:
            takes_date = any(isinstance(p, click.Option) and "--as-of" in p.opts for p in command.params)
            yield Case((*path, *tail, *(["--as-of", ON.isoformat()] if takes_date else [])), fmt)


def check_output(case: Case, stdout: str) -> int:
    """Check what a run produced; the number of CSV data rows (0 for other formats)."""
    text = case.written.read_text(encoding="utf-8") if case.written is not None else stdout
    assert text.strip(), f"{case.id}: no output"
    if case.written is not None and case.written.suffix in {".html", ".htm"}:
        assert text.lstrip().lower().startswith("<!doctype html>") and text.rstrip().endswith("</html>"), case.id
    if case.fmt == "json" or case.args[0] == "schema":
        json.loads(text)
    elif case.fmt == "csv":
        # breakdown's CSV may end with "# lifecycle warning: ..." comment lines (a SKU with an announced
        # shutdown); they follow the table and are not rows of it.
        lines = text.splitlines(keepends=True)
        table_end = next((i for i, line in enumerate(lines) if line.startswith("# lifecycle warning: ")), len(lines))
        assert all(line.startswith("# lifecycle warning: ") for line in lines[table_end:]), case.id
        rows = list(csv.reader(io.StringIO("".join(lines[:table_end]))))
        # A header, then rows as wide as it (none is fine: two stacks that never cross have no crossings).
        assert rows, f"{case.id}: no header"
        widths = {len(row) for row in rows}
        assert widths == {len(rows[0])}, f"{case.id}: rows of widths {sorted(widths)}"
        return len(rows) - 1
    return 0


def test_every_command_is_in_the_matrix() -> None:
    listed = {path[0] for path, _ in command_tree()}
    assert listed == set(COMMANDS)
    for path, command in command_tree():
        if isinstance(command, click.Group) and not command.invoke_without_command:
            continue
        assert list(cases_for(path, command, Path("unused"))), " ".join(path)


def test_matrix(tmp_path: Path) -> None:
    runner = CliRunner()
    failures: list[str] = []
    csv_rows: dict[tuple[str, ...], int] = {}
    count = 0
    for path, command in command_tree():
        if isinstance(command, click.Group) and not command.invoke_without_command:
            continue
        for case in cases_for(path, command, tmp_path):
            count += 1
            result = runner.invoke(cli, list(case.args))
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            if case.expect == "unpriced":
                # Either no price was in force, or the price is unknown that early (a lower-bound start).
                said = "no price is in force" in result.stderr or "unknown before" in result.stderr
                if crashed or result.exit_code != 2 or result.stderr.count("\n") != 1 or not said:
                    failures.append(f"{case.id}: expected one 'no price is in force' line, exit 2; got exit "
                                    f"{result.exit_code}: {result.stderr.strip()[:300]}")
                continue
            allowed = {0, 1} if case.expect == "flagged" else {0}
            if result.exit_code not in allowed or crashed:
                failures.append(f"{case.id}: exit {result.exit_code}: {result.stderr.strip()[:300]}")
                continue
            try:
                rows = check_output(case, result.stdout)
                if case.fmt == "csv":
                    csv_rows[path] = csv_rows.get(path, 0) + rows
            except (AssertionError, ValueError, csv.Error) as exc:
                failures.append(f"{case.id}: {exc}")
                continue
            if case.expect == "flagged" and case.fmt == "json":
                # audit's exit 1 means flagged claims, nothing else.
                counts = json.loads(result.stdout)["counts"]
                assert result.exit_code == (1 if counts["wrong"] + counts["stale"] else 0), case.id
    assert not failures, f"{len(failures)} of {count} runs failed:\n" + "\n".join(failures)
    # Every command with a CSV format wrote data rows somewhere in the matrix, not only headers.
    assert all(csv_rows.values()), {" ".join(k): v for k, v in csv_rows.items() if not v}
    # Each document kind the report has was written at least once.
    assert {suffix for _, suffix in report_kinds()} <= {p.suffix for p in tmp_path.iterdir()}
