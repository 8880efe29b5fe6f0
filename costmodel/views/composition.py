"""What shared components did to the stacks and which needed roles they lack, in words (every text format) and JSON.

Written once here so compare, breakdown, sweep, breakeven, sensitivity and the report say it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from costmodel.core.shared import SPOKEN_OUTPUT, Composition, Shared, component_text
from costmodel.data.records import StackComponent, record_dict
from costmodel.safe_text import for_format
from costmodel.views.formatting import to_json

NEED_WORDS = {SPOKEN_OUTPUT: "tts (spoken output: a TTS, or an audio model that speaks)"}
"""How a needed role is explained where the roles are listed."""


def _names(stacks: list[str]) -> str:
    return ", ".join(stacks) if len(stacks) <= 3 else f"{len(stacks)} stacks"


def with_line(shared: Shared, compositions: Mapping[str, Composition]) -> str | None:
    """`With on every stack: telephony twilio/uk-inbound (added to 11 stacks; replacing budget-first-uk-phone's own
    twilio/uk-inbound)`, or None when no component is shared. Plain text: callers make it safe for their format."""
    if not shared.components:
        return None
    parts = []
    for component in shared.components:
        added = [stack for stack, c in compositions.items() if any(a.role == component.role for a in c.added)]
        replaced = [f"{stack}'s own {r.sku}" for stack, c in compositions.items() for r in c.replaced
                    if r.role == component.role]
        covered = [stack for stack, c in compositions.items() if component.role in c.covered]
        details = [f"added to {_names(added)}"] if added else []
        if replaced:
            own = ", ".join(replaced) if len(replaced) <= 3 else f"{len(replaced)} stacks' own {component.role}"
            details.append(f"replacing {own}")
        if covered:
            details.append(f"not added to {_names(covered)}, whose own components already deliver {component.role}")
        parts.append(component_text(component) + (f" ({'; '.join(details)})" if details else ""))
    return "With on every stack: " + "; ".join(parts) + "."


def missing_line(shared: Shared, compositions: Mapping[str, Composition]) -> str | None:
    """`Not like-for-like: ...` naming the stacks that lack a needed role, or None when every stack has them all."""
    lacking = {stack: c.missing_roles for stack, c in compositions.items() if c.missing_roles}
    if not lacking:
        return None
    needs = ", ".join(NEED_WORDS.get(role, role) for role in shared.needs)
    which = "; ".join(f"{stack} lacks {', '.join(roles)}" for stack, roles in lacking.items())
    if len(compositions) == 1:
        return (f"Not the whole product: the scenario needs {needs}; {which}, so this figure leaves that part out "
                "(add it with --with ROLE=SKU).")
    return (f"Not like-for-like: the scenario needs {needs}; {which}, so its figure leaves that part out and is not "
            "comparable with the others (add it with --with ROLE=SKU).")


def missing_warnings(shared: Shared, compositions: Mapping[str, Composition]) -> list[str]:
    """The missing-role line as a JSON document's warning (none when every stack has every needed role)."""
    line = missing_line(shared, compositions)
    return [line] if line else []


def notes(shared: Shared, compositions: Mapping[str, Composition], fmt: str) -> list[str]:
    """The with and missing-role lines, safe for the format (empty when nothing is shared and nothing lacks)."""
    return [for_format(line, fmt) for line in (with_line(shared, compositions), missing_line(shared, compositions)) if line]


def missing_text(composition: Composition) -> str:
    """A table cell: the needed roles a stack lacks (empty when it has them all)."""
    return ", ".join(composition.missing_roles)


def changed_text(composition: Composition) -> tuple[str, str]:
    """Table cells (added, replaced): `telephony twilio/uk-inbound` and `telephony twilio/x → twilio/y`."""
    added = "; ".join(component_text(c) for c in composition.added)
    replaced = "; ".join(f"{r.role} {r.sku} → {r.by}" for r in composition.replaced)
    return added, replaced


def component_json(component: StackComponent) -> dict[str, Any]:
    """A component in the stack format's fields."""
    data: dict[str, Any] = to_json(record_dict(component))
    return data


def shared_json(shared: Shared) -> dict[str, Any]:
    """`with` (the components every stack was priced with) and `needs` (the roles every stack must deliver)."""
    return {"with": [component_json(c) for c in shared.components], "needs": list(shared.needs)}


def composition_json(composition: Composition) -> dict[str, Any]:
    """`roles` priced, `added` and `replaced` by shared components, and `missing_roles`."""
    return {
        "roles": list(composition.roles),
        "added": [component_json(c) for c in composition.added],
        "replaced": [{"role": r.role, "sku": r.sku, "by": r.by} for r in composition.replaced],
        "missing_roles": list(composition.missing_roles),
        "covered": list(composition.covered),
    }
