"""One colour per stack id, the same in every chart, report and notebook, and distinct for 40 stacks.

The palette: 40 colours chosen greedily to be as far apart as possible in CIEDE2000 (each next colour the one
farthest from all before it, from an sRGB grid), dark enough to read on white (CIELAB lightness 25-72), with some
chroma (no greys, which the charts use for marks), and away from black and grey. Pairwise ΔE2000 ≥ 13.7; the test
suite recomputes it.

Which colour a stack gets depends on its id only, never on which stacks a chart draws: the bundled stacks take the
palette in the order of their sorted ids (so they are all different from each other); any other stack (a user's
own, or a stack given as a file path) takes one of the remaining colours by a stable hash (crc32) of its id. Past
the palette's length, colours repeat with a dashed line style, so a style is still unique to a stack.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass

PALETTE: tuple[str, ...] = (
    "#1f77b4", "#00c300", "#a500f0", "#ff9600", "#d20000", "#ff87d2", "#00c3c3", "#006900",
    "#96004b", "#968700", "#ff8778", "#a5a5ff", "#784b00", "#2d3c87", "#007878", "#966996",
    "#00b4ff", "#a5b487", "#f01e69", "#c3a587", "#3c9669", "#692d1e", "#96695a", "#690f78",
    "#69693c", "#1e4b3c", "#f000c3", "#6969ff", "#f05a00", "#5a96a5", "#b4782d", "#0000f0",
    "#c38796", "#c378f0", "#004b5a", "#69960f", "#4b3c5a", "#c3a5d2", "#d2a52d", "#784b5a",
)
"""Distinct colours, most distinct first (see the module docstring)."""

LINE_STYLES: tuple[str | tuple[int, tuple[float, ...]], ...] = ("-", (0, (5.0, 1.5)), (0, (1.5, 1.2)), (0, (5.0, 1.5, 1.5, 1.5)))
"""Line styles for the second, third, ... round through the palette (a fourth is dash-dot)."""

HATCHES: tuple[str, ...] = ("///", "\\\\\\", "xxx", "...", "|||", "---", "+++", "ooo")
"""Hatching for a stack's range band, so that overlapping bands stay apart where colours blend."""


@dataclass(frozen=True)
class StackStyle:
    """How one stack is drawn everywhere."""

    colour: str
    """A hex colour from PALETTE."""
    line_style: str | tuple[int, tuple[float, ...]]
    """A matplotlib line style: solid for the first round through the palette."""
    hatch: str
    """The hatching of its range band."""


@functools.cache
def bundled_stacks() -> tuple[str, ...]:
    """The bundled stack ids (file stems of the bundled pricing/stacks folder), sorted."""
    from costmodel.data.catalog import bundled_dir

    return tuple(sorted(path.stem for path in (bundled_dir("pricing") / "stacks").glob("*.yaml")))


def stack_index(stack: str) -> int:
    """The stack's place in the palette sequence: its rank among the bundled ids, else a stable hash of the id
    into the palette's remaining colours (or, with none left, into a later round of styles)."""
    bundled = bundled_stacks()
    if stack in bundled:
        return bundled.index(stack)
    spare = len(PALETTE) - len(bundled) % len(PALETTE)  # the rest of the current round (a whole round if none)
    return len(bundled) + zlib.crc32(stack.encode("utf-8")) % spare


def stack_style(stack: str) -> StackStyle:
    """The colour, line style and hatching of a stack, the same in every chart whatever else it draws."""
    index = stack_index(stack)
    return StackStyle(
        PALETTE[index % len(PALETTE)],
        LINE_STYLES[(index // len(PALETTE)) % len(LINE_STYLES)],
        HATCHES[index % len(HATCHES)],
    )


def stack_colour(stack: str) -> str:
    """A stack's colour (hex), for notebooks and any chart drawn by hand."""
    return stack_style(stack).colour
