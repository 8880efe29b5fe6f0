"""Shared components: what every stack must include for a like-for-like comparison, and the roles a product needs.

A scenario's `with:` list and the `--with` flag name components (a phone line, ...) that every stack is priced
with: each replaces a stack's own component of the same role, or is added to a stack without one, so every
stack gets the same line. A stack still missing a role the scenario needs (spoken output when the agent speaks,
telephony on a phone line, any role in `needs:`) is flagged wherever it is shown, never silently cheaper.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from costmodel.core.backends import EXACT
from costmodel.core.usage import profile
from costmodel.data.catalog import ROLE_KINDS, Catalog
from costmodel.data.meters import DURATION_FIELDS
from costmodel.data.records import Scenario, Sku, Stack, StackComponent, record_dict, to_record
from costmodel.errors import InputError, UnknownIdError
from costmodel.plain_dataclass import dataclass

SPOKEN_OUTPUT = "tts"
"""The role a scenario needs when its agent speaks (agent audio above 0): a TTS, or an audio model that speaks."""

NEED_MET_BY: dict[str, tuple[str, ...]] = {
    "asr": ("asr", "self-hosted-asr", "audio-llm"),
    "llm": ("llm", "self-hosted-llm", "audio-llm"),
    SPOKEN_OUTPUT: ("tts", "audio-llm"),
}
"""Roles that deliver a needed role besides the role itself: an integrated audio model hears, answers and (if it
produces audio) speaks. Any other role (telephony, and roles added later) is met only by a component of that role."""


@dataclass(frozen=True)
class Replaced:
    """A stack's own component that a shared one took the place of."""

    role: str
    sku: str
    """The stack's own SKU."""
    by: str
    """The shared SKU priced instead."""


@dataclass(frozen=True)
class Composition:
    """What one stack was priced with: its roles once shared components are in, what they changed, what it lacks."""

    roles: tuple[str, ...] = ()
    """The roles of the components priced, in the stack's order (shared additions last)."""
    added: tuple[StackComponent, ...] = ()
    """Shared components the stack did not have a component of the same role for."""
    replaced: tuple[Replaced, ...] = ()
    """The stack's own components a shared one replaced."""
    missing_roles: tuple[str, ...] = ()
    """Needed roles no component delivers: the stack's figure is for less than the product."""
    covered: tuple[str, ...] = ()
    """Roles of shared components not added because the stack already delivers them another way (an audio
    model that speaks needs no shared TTS; a self-hosted ASR no shared ASR)."""


@dataclass(frozen=True)
class Shared:
    """The shared components and needed roles of one costing (a scenario, its --set changes, and --with)."""

    components: tuple[StackComponent, ...] = ()
    needs: tuple[str, ...] = ()
    """Every role a stack must deliver, explicit (`needs:`), from `with`, and spoken output when the agent speaks."""

    def compose(self, catalog: Catalog, stack: Stack) -> tuple[Stack, Composition]:
        """The stack with the shared components in (replacing its own of the same role), and what that changed."""
        by_role = {component.role: component for component in self.components}
        own_roles = {component.role for component in stack.components}
        components: list[StackComponent] = []
        replaced: list[Replaced] = []
        for component in stack.components:
            shared = by_role.get(component.role)
            if shared is None:
                components.append(component)
            else:
                components.append(shared)
                replaced.append(Replaced(component.role, component.sku, shared.sku))
        added, covered = [], []
        for component in self.components:
            if component.role in own_roles:
                continue
            # Added only where no own component delivers the role: a TTS beside an audio model that speaks
            # would price the reply twice.
            if any(meets(catalog, own, component.role) for own in stack.components):
                covered.append(component.role)
            else:
                added.append(component)
        components += added
        composed = dataclasses.replace(stack, components=components) if added or replaced else stack
        missing = tuple(need for need in self.needs if not any(meets(catalog, c, need) for c in components))
        composition = Composition(
            roles=tuple(component.role for component in components),
            added=tuple(added),
            replaced=tuple(replaced),
            missing_roles=missing,
            covered=tuple(covered),
        )
        return composed, composition


def speaks(sku: Sku) -> bool:
    """An audio model that produces audio: priced per audio output token, or by the minute as a voice agent."""
    for period in sku.periods:
        prices = period.prices()
        if "usd_per_million_audio_output_tokens" in prices or any(name in prices for name in DURATION_FIELDS):
            return True
    return False


def meets(catalog: Catalog, component: StackComponent, need: str) -> bool:
    """Whether one component delivers a needed role."""
    if component.role not in NEED_MET_BY.get(need, (need,)):
        return False
    if need == SPOKEN_OUTPUT and component.role == "audio-llm":
        return speaks(catalog.sku(component.sku))
    return True


def shared_for(scenario: Scenario, with_components: Sequence[StackComponent | str] = (), catalog: Catalog | None = None
               ) -> Shared:
    """The shared components and needed roles for a scenario (with its what-ifs applied) and any given components.

    A given component (a StackComponent, or text as --with takes it, read with the catalog) replaces the
    scenario's own `with` entry of the same role, as `--with` on the command line overrides the file.
    """
    by_role = {component.role: component for component in scenario.with_}
    for component in resolve(with_components, catalog):
        by_role[component.role] = component
    needs = list(scenario.needs)
    needs += [role for role in by_role if role not in needs]
    if SPOKEN_OUTPUT not in needs and profile(scenario, EXACT).agent_seconds.high > 0:
        needs.append(SPOKEN_OUTPUT)
    return Shared(tuple(by_role.values()), tuple(needs))


def resolve(with_components: Sequence[StackComponent | str], catalog: Catalog | None = None) -> list[StackComponent]:
    """Given components as records: text (as --with takes it) is read with the catalog, models become records."""
    components = []
    for given in with_components:
        if isinstance(given, str):
            if catalog is None:
                raise InputError(f"'{given}' needs the library to be read; pass a StackComponent", field="with_components")
            components.append(parse_with(given, catalog, "with_components"))
        else:
            components.append(to_record(given))
    return components


def role_of(sku: Sku, flag: str = "--with") -> str:
    """The role a SKU plays, from its kind; a kind several roles use (gpu) must be named as ROLE=SKU."""
    roles = [role for role, kind in ROLE_KINDS.items() if kind == sku.kind]
    if len(roles) != 1:
        raise InputError(
            f"{sku.id} is a {sku.kind} SKU, used by roles {', '.join(roles[:-1])} and {roles[-1]}; name one as ROLE=SKU, "
            f"e.g. {roles[0]}={sku.id}" if roles else f"{sku.id} is a {sku.kind} SKU, which no stack role uses",
            field=flag,
        )
    return roles[0]


def parse_with(text: str, catalog: Catalog, flag: str = "--with") -> StackComponent:
    """`[ROLE=]SKU[,FIELD=VALUE...]` as a shared component, e.g. `twilio/uk-inbound`, `telephony=twilio/uk-inbound,legs=2`.

    The role, when not given, is the SKU's kind's; the fields are the stack format's (legs, billed_per, ...),
    checked by its model.
    """
    shown = text if len(text) <= 60 else text[:40] + "…"
    head, *options = (part.strip() for part in text.split(","))
    role: str | None = None
    sku_id = head
    if "=" in head:
        role, sku_id = (part.strip() for part in head.split("=", 1))
    if sku_id not in catalog.skus:
        raise UnknownIdError("SKU", sku_id, catalog.skus, field=flag)
    sku = catalog.skus[sku_id]
    if role is None:
        role = role_of(sku, flag)
    elif role not in ROLE_KINDS:
        raise UnknownIdError("role", role, ROLE_KINDS, list_known=True, field=flag)
    if ROLE_KINDS[role] != sku.kind:
        raise InputError(
            f"{shown}: role {role} needs a SKU of kind {ROLE_KINDS[role]}, but {sku.id} is {sku.kind}; "
            f"see costmodel prices --kind {ROLE_KINDS[role]}",
            field=flag,
        )
    data: dict[str, object] = {"role": role, "sku": sku_id}
    for option in options:
        name, equals, value = option.partition("=")
        if not equals or not name.strip():
            raise InputError(f"{shown}: expected [ROLE=]SKU[,FIELD=VALUE...], e.g. twilio/uk-inbound,legs=2", field=flag)
        data[name.strip()] = value.strip()
    return check_component(data, catalog, f"{flag} {shown}")


def check_component(data: dict[str, object], catalog: Catalog, what: str) -> StackComponent:
    """A component's fields validated by the stack format's model, and its self-hosted workload checked."""
    from pydantic import ValidationError

    from costmodel.data import models

    try:
        component: StackComponent = to_record(models.StackComponent.model_validate(data))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
        raise InputError(f"{what}: {where + ': ' if where else ''}{message}") from None
    sku = catalog.sku(component.sku)
    if component.workload is not None:
        workloads = [entry.workload for entry in sku.throughput]
        if component.workload not in workloads:
            raise UnknownIdError(f"workload on {sku.id}", component.workload, workloads, field=what)
        entry = next(e for e in sku.throughput if e.workload == component.workload)
        needed = "real_time_factor" if component.role == "self-hosted-asr" else "output_tokens_per_second"
        if getattr(entry, needed) is None:
            raise InputError(f"{what}: {component.role} needs {needed} in {sku.id}'s {component.workload} throughput")
    return component


_DEFAULTS: dict[str, object] = {f.name: f.default for f in dataclasses.fields(StackComponent)
                                if f.default is not dataclasses.MISSING}
"""The stack format's defaults (the record's, equal to data/models.py's): fields equal to these are not worth showing."""


def _extras(component: StackComponent) -> list[str]:
    return [f"{name}={value}" for name, value in record_dict(component).items()
            if name not in {"role", "sku"} and value is not None and (name not in _DEFAULTS or value != _DEFAULTS[name])]


def component_text(component: StackComponent) -> str:
    """`telephony twilio/uk-inbound` (with `(legs=2)` or other fields that differ from the format's defaults)."""
    extras = _extras(component)
    return f"{component.role} {component.sku}" + (f" ({', '.join(extras)})" if extras else "")


def with_argument(component: StackComponent) -> str:
    """The component as a --with value parse_with reads back: `telephony=twilio/uk-inbound,legs=2`."""
    return ",".join([f"{component.role}={component.sku}", *_extras(component)])
