"""costmodel.plain_dataclass behaves as dataclasses.dataclass does for every feature the project uses.

Each check builds the same class with both decorators and expects the same behaviour, spelled out here.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

import pytest

from costmodel.plain_dataclass import dataclass, field

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PlainPair(Generic[T]):
    """Two ends (module level, so pickle finds the class)."""

    low: T
    high: T
    label: str = "x"
    tags: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    LIMIT: ClassVar[int] = 3

    def width(self) -> Any:
        return self.high - self.low  # type: ignore[operator]


@dataclasses.dataclass(frozen=True, slots=True)
class StdlibPair(Generic[T]):
    """The same class, made by the standard library."""

    low: T
    high: T
    label: str = "x"
    tags: frozenset[str] = dataclasses.field(default=frozenset(), compare=False, repr=False)
    LIMIT: ClassVar[int] = 3

    def width(self) -> Any:
        return self.high - self.low  # type: ignore[operator]


def mutable_bag(decorate: Any) -> Any:
    @decorate
    class Bag:
        """A mutable class with factories and a __post_init__."""

        name: str
        items: list[int] = field(default_factory=list)
        size: int = 0
        seen: ClassVar[list[str]] = []

        def __post_init__(self) -> None:
            self.size = len(self.items)

    return Bag


OURS, STDLIB = PlainPair, StdlibPair


@pytest.mark.parametrize("Pair", [OURS, STDLIB], ids=["plain", "stdlib"])
def test_frozen_slotted_class(Pair: Any) -> None:
    pair = Pair(Decimal("1.5"), Decimal("2"), tags=frozenset({"a"}))
    assert repr(pair) == f"{Pair.__name__}(low=Decimal('1.5'), high=Decimal('2'), label='x')"  # tags: repr=False
    assert pair.width() == Decimal("0.5")  # 2 - 1.5
    assert pair == Pair(Decimal("1.5"), Decimal("2"), "x")  # tags has compare=False
    assert pair != Pair(Decimal("1.5"), Decimal("2"), "y")
    assert pair != (Decimal("1.5"), Decimal("2"), "x")  # another class is never equal
    assert hash(pair) == hash((Decimal("1.5"), Decimal("2"), "x"))  # the compared fields, as a tuple
    assert not hasattr(pair, "__dict__") and Pair.__slots__ == ("low", "high", "label", "tags")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'low'"):
        pair.low = Decimal(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del pair.high
    for again in (pickle.loads(pickle.dumps(pair)), copy.copy(pair), copy.deepcopy(pair)):
        assert again == pair and again.tags == frozenset({"a"})
    assert Pair.LIMIT == 3 and [f.name for f in dataclasses.fields(Pair)] == ["low", "high", "label", "tags"]
    assert dataclasses.is_dataclass(pair) and Pair.__match_args__ == ("low", "high", "label", "tags")
    changed = dataclasses.replace(pair, label="y")
    assert (changed.low, changed.high, changed.label) == (Decimal("1.5"), Decimal("2"), "y")
    assert dataclasses.asdict(pair) == {"low": Decimal("1.5"), "high": Decimal("2"), "label": "x", "tags": frozenset({"a"})}


def test_pickles_are_interchangeable_with_the_stdlib_state() -> None:
    # Both write the state as a list of field values in field order, so a cache entry written by either loads.
    ours, theirs = OURS(1, 2, "z"), STDLIB(1, 2, "z")
    assert ours.__getstate__() == theirs.__getstate__() == [1, 2, "z", frozenset()]
    rebuilt = OURS.__new__(OURS)
    rebuilt.__setstate__(theirs.__getstate__())
    assert rebuilt == ours


@pytest.mark.parametrize("Bag", [mutable_bag(dataclass), mutable_bag(dataclasses.dataclass)], ids=["plain", "stdlib"])
def test_mutable_class(Bag: Any) -> None:
    bag = Bag("a", [1, 2])
    assert bag.size == 2  # __post_init__ ran: len([1, 2])
    bag.name = "b"  # not frozen
    assert bag.name == "b"
    first, second = Bag("x"), Bag("x")
    assert first.items == [] and first.items is not second.items  # a new list from the factory each time
    assert first == second and Bag.__hash__ is None  # eq without frozen: unhashable
    assert Bag.size == 0  # a plain default stays a class attribute
    assert not hasattr(Bag, "items")  # a factory's field leaves none
    assert repr(bag) == "mutable_bag.<locals>.Bag(name='b', items=[1, 2], size=2)"


@pytest.mark.parametrize("Pair", [OURS, STDLIB], ids=["plain", "stdlib"])
def test_calls_that_do_not_fit_raise_type_error(Pair: Any) -> None:
    with pytest.raises(TypeError, match="'high'"):
        Pair(1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'width'"):
        Pair(1, 2, width=3)
    with pytest.raises(TypeError, match="multiple values for argument 'low'"):
        Pair(1, 2, low=3)
    with pytest.raises(TypeError):
        Pair(1, 2, "x", frozenset(), "one too many")
    assert Pair(high=2, low=1) == Pair(1, 2)


def test_what_the_project_does_not_use_is_refused() -> None:
    with pytest.raises(ValueError, match="use default_factory"):

        @dataclass
        class Shared:
            items: list[int] = []  # noqa: RUF012  # the mistake being refused

    with pytest.raises(TypeError, match="init=False"):

        @dataclass
        class Hidden:
            secret: int = field(default=0, init=False)

    with pytest.raises(TypeError, match="cannot overwrite __setattr__"):

        @dataclass(frozen=True)
        class Stubborn:
            value: int

            def __setattr__(self, name: str, value: Any) -> None:
                object.__setattr__(self, name, value)


def test_a_method_the_class_defines_itself_is_kept() -> None:
    @dataclass(frozen=True)
    class Shown:
        value: int

        def __repr__(self) -> str:
            return f"<{self.value}>"

    assert repr(Shown(4)) == "<4>"
    assert hash(Shown(4)) == hash((4,))  # frozen + eq still hashes the fields


def test_the_project_records_are_built_by_it() -> None:
    # The classes a warm `costmodel compare` defines must not go through the stdlib's code generation
    # (the reason this module exists); they still read as dataclasses.
    from costmodel.core.interval import Span
    from costmodel.data.records import PricePeriod, Scenario

    for cls in (PricePeriod, Scenario, Span):
        assert dataclasses.is_dataclass(cls)
        assert cls.__eq__.__module__ == "costmodel.plain_dataclass"  # Span writes out only its __init__
