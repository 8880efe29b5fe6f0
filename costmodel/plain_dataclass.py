"""`dataclass` without generated source: the classes `dataclasses.dataclass` makes, from methods written once.

`dataclasses.dataclass` writes every class's __init__, __repr__, __eq__, __hash__ and frozen __setattr__ as
source text and compiles it when the module is imported: about a millisecond a class, and the 32 classes a
`costmodel compare` imports cost it a fifth of its start-up. This decorator gives a class the same behaviour
from shared methods closed over its field names, so defining a class costs what a plain class does:
- the same constructor (positional or by keyword, defaults, `field(default=..., default_factory=...)`,
  __post_init__), __repr__, __eq__ (same class only) and the dataclass hashing rules (frozen + eq hashes the
  compared fields; a mutable class with __eq__ is unhashable), frozen assignment raising FrozenInstanceError,
  __slots__ and pickling of slotted frozen classes (the same state, a list of field values, as the stdlib's);
- `dataclasses.fields`, `replace`, `asdict` and `is_dataclass` work on it (it carries `__dataclass_fields__`),
  and type checkers read it as a dataclass (PEP 681 `dataclass_transform`).
What the project does not use is refused when the class is defined, not silently ignored: `order`,
`unsafe_hash`, `kw_only`, `init=False` fields, InitVar and KW_ONLY.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError
from dataclasses import field as field
from operator import attrgetter
from typing import Any, TypeVar, cast, dataclass_transform, overload

__all__ = ["dataclass", "field"]

T = TypeVar("T")

_FIELD_MARK: Any = vars(dataclasses)["_FIELD"]
"""The stdlib's marker of a real field (dataclasses.fields() keeps only fields carrying it); private, so read once."""


@overload
def dataclass(cls: type[T], /) -> type[T]: ...


@overload
def dataclass(
    *, frozen: bool = False, slots: bool = False, eq: bool = True, repr: bool = True
) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field, Field))
def dataclass(
    cls: type[T] | None = None, /, *, frozen: bool = False, slots: bool = False, eq: bool = True, repr: bool = True
) -> type[T] | Callable[[type[T]], type[T]]:
    """Make `cls` a dataclass as `dataclasses.dataclass(frozen=..., slots=..., eq=..., repr=...)` would."""

    def wrap(cls: type[T]) -> type[T]:
        return _build(cls, frozen=frozen, slots=slots, eq=eq, show=repr)

    return wrap if cls is None else wrap(cls)


def _annotation_is(annotation: object, names: tuple[str, ...]) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", repr(annotation))
    return any(text == name or text.startswith((f"{name}[", f"typing.{name}", f"dataclasses.{name}")) for name in names)


def _own_fields(cls: type) -> list[Field[Any]]:
    """The fields this class's own annotations declare, in order, as dataclasses.Field objects."""
    found = []
    for name, annotation in inspect.get_annotations(cls).items():
        if _annotation_is(annotation, ("ClassVar",)):
            continue
        if _annotation_is(annotation, ("InitVar", "KW_ONLY")):
            raise TypeError(f"{cls.__qualname__}.{name}: InitVar and KW_ONLY are not supported here")
        default = cls.__dict__.get(name, MISSING)
        spec: Field[Any] = default if isinstance(default, Field) else field(default=default)
        if not spec.init or spec.kw_only is True:
            raise TypeError(f"{cls.__qualname__}.{name}: init=False and kw_only fields are not supported here")
        if spec.default is not MISSING and type(spec.default).__hash__ is None:
            raise ValueError(f"mutable default {type(spec.default)} for field {name} is not allowed: use default_factory")
        spec.name = name
        spec.type = annotation
        spec._field_type = _FIELD_MARK  # type: ignore[attr-defined]  # what dataclasses.fields() looks for
        found.append(spec)
    return found


def _build(cls: type[T], *, frozen: bool, slots: bool, eq: bool, show: bool) -> type[T]:
    inherited: dict[str, Field[Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited.update(base.__dict__.get("__dataclass_fields__", {}))
    own = _own_fields(cls)
    all_fields = {**inherited, **{f.name: f for f in own}}
    names = tuple(all_fields)
    defaults = {f.name: f.default for f in all_fields.values() if f.default is not MISSING}
    factories = {f.name: f.default_factory for f in all_fields.values() if f.default_factory is not MISSING}
    compared = tuple(f.name for f in all_fields.values() if f.compare)
    hashed = tuple(f.name for f in all_fields.values() if (f.compare if f.hash is None else f.hash))
    shown = tuple(f.name for f in all_fields.values() if f.repr)
    body = cls.__dict__

    for spec in own:  # the class keeps a plain default as its attribute, as the stdlib leaves it
        if isinstance(body.get(spec.name), Field):
            if spec.default is MISSING:
                delattr(cls, spec.name)
            else:
                setattr(cls, spec.name, spec.default)

    methods: dict[str, Any] = {
        "__dataclass_fields__": all_fields,
        "__init__": _init(cls.__qualname__, names, defaults, factories, post_init=hasattr(cls, "__post_init__")),
        "__match_args__": names,
    }
    if show:
        methods["__repr__"] = _repr(shown)
    if eq:
        methods["__eq__"] = _eq(compared)
    explicit_hash = "__hash__" in body and not (body["__hash__"] is None and "__eq__" in body)
    if eq and not explicit_hash:
        methods["__hash__"] = _hash(hashed) if frozen else None
    final: list[type] = []  # the class being built, filled in once it exists (slots make a new one)
    if frozen:
        if "__setattr__" in body or "__delattr__" in body:
            raise TypeError(f"cannot overwrite __setattr__ or __delattr__ in frozen class {cls.__qualname__}")
        methods["__setattr__"], methods["__delattr__"] = _frozen(final, names)
    for name, value in methods.items():  # what the class body defines itself stays, as with the stdlib
        if name not in body or name in {"__dataclass_fields__", "__hash__"}:
            setattr(cls, name, value)
    if slots:
        cls = _with_slots(cls, names, frozen)
    final.append(cls)
    return cls


def _init(
    qualname: str, names: tuple[str, ...], defaults: dict[str, Any], factories: dict[str, Any], *, post_init: bool
) -> Callable[..., None]:
    count = len(names)
    assign = object.__setattr__  # past a frozen class's __setattr__, as the stdlib's __init__ goes

    def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        """The field values of one call, with Python's own errors for a call that does not fit."""
        if not args and len(kwargs) == count:  # every field by keyword, as records are made from their models
            try:
                return [kwargs[name] for name in names]
            except KeyError:
                pass  # a misspelt name: the slow way below says which
        if len(args) > count:
            raise TypeError(f"{qualname}.__init__() takes {count + 1} positional arguments but {len(args) + 1} were given")
        values = list(args)
        for name in names[len(args):]:
            if name in kwargs:
                values.append(kwargs.pop(name))
            elif name in defaults:
                values.append(defaults[name])
            elif name in factories:
                values.append(factories[name]())
            else:
                raise TypeError(f"{qualname}.__init__() missing 1 required argument: {name!r}")
        for name in kwargs:
            problem = "got multiple values for argument" if name in names else "got an unexpected keyword argument"
            raise TypeError(f"{qualname}.__init__() {problem} {name!r}")
        return values

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        for name, value in zip(names, args if len(args) == count and not kwargs else bind(args, kwargs), strict=True):
            assign(self, name, value)
        if post_init:
            self.__post_init__()

    __init__.__qualname__ = f"{qualname}.__init__"
    return __init__


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an object's values of these fields as a tuple (compared and hashed as the stdlib's are)."""
    if len(names) >= 2:
        return attrgetter(*names)
    one = attrgetter(*names) if names else None
    return lambda obj: () if one is None else (one(obj),)


def _repr(shown: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    return __repr__


def _eq(compared: tuple[str, ...]) -> Callable[[Any, object], Any]:
    values = _values(compared)

    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self) == values(other)

    return __eq__


def _hash(hashed: tuple[str, ...]) -> Callable[[Any], int]:
    values = _values(hashed)

    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _frozen(final: list[type], names: tuple[str, ...]) -> tuple[Callable[[Any, str, Any], None], Callable[[Any, str], None]]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        made: Any = final[0]
        if type(self) is made or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(made, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        made: Any = final[0]
        if type(self) is made or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(made, self).__delattr__(name)

    return __setattr__, __delattr__


def _with_slots(cls: type[T], names: tuple[str, ...], frozen: bool) -> type[T]:
    """The class made again with __slots__ for its fields, as dataclasses' slots=True does (slots are fixed at creation)."""
    inherited = {slot for base in cls.__mro__[1:-1] for slot in base.__dict__.get("__slots__", ())}
    body = dict(cls.__dict__)
    body["__slots__"] = tuple(name for name in names if name not in inherited)
    for name in (*names, "__dict__", "__weakref__"):
        body.pop(name, None)
    metaclass: Any = type(cls)
    made: Any = metaclass(cls.__name__, cls.__bases__, body)
    made.__qualname__ = cls.__qualname__
    if frozen:  # pickling sets slots through __setattr__ unless the class says how: the stdlib's state, a list
        if "__getstate__" not in body:
            values = _values(names)
            made.__getstate__ = lambda self: list(values(self))
        if "__setstate__" not in body:

            def __setstate__(self: Any, state: list[Any]) -> None:
                for name, value in zip(names, state, strict=False):
                    object.__setattr__(self, name, value)

            made.__setstate__ = __setstate__
    return cast("type[T]", made)
