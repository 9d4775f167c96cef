"""Property patches: what to write on a resource, said exactly, and the one applier of them.

The engine decides what a function needs; a patch says how that lands on one property, and
its operation carries the rule of who wins (`Put` replaces, `Put(only_if_absent=True)` keeps
the user's value, `MergeMap` and `AddTags` add the keys the user has not set, `ExtendList`
adds the items not there yet). `plan_writes` works the patches out against the properties as
read, whatever shape they have:

- a plain value is changed where it needs to be;
- an `Fn::If` gets the patch in each branch, a branch of `AWS::NoValue` being a property the
  resource does not set under that condition (so it gets the value alone);
- a list given by an intrinsic function (a `Ref` to a list parameter, `Fn::FindInMap`,
  `Fn::Split` ...) is extended with `Fn::Split`/`Fn::Join`, in a shape recognised on the next
  run;
- anything it cannot extend (a map given by `Fn::FindInMap`, a number where a map belongs) is
  reported with the property's path, so the caller can leave the function alone with a warning
  rather than write beside an intrinsic function.

The result is a list of `Write`s at the deepest plain position that changes: the template
writer, the Serverless backend and the CDK shell write them as they are, so no writer decides
whether the user's value wins, and values the patch did not touch (a cross-stack reference in
the CDK) are never written back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str, ...]

NO_VALUE = {"Ref": "AWS::NoValue"}
#: the separator of the Fn::Split/Fn::Join form of an extended list intrinsic; a layer ARN
#: holds no comma
LIST_SEPARATOR = ","


class _Absent:
    """A property the resource does not set (or sets to `AWS::NoValue`)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def is_intrinsic(value: Any) -> bool:
    """A one-key mapping `Ref`, `Condition` or `Fn::*`: a CloudFormation intrinsic function."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def _is_no_value(value: Any) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and value.get("Ref") == "AWS::NoValue"


def _is_plain_map(value: Any) -> bool:
    return isinstance(value, Mapping) and not is_intrinsic(value)


class Unwritable(Exception):
    """A patch met a value it cannot extend without breaking the template."""

    def __init__(self, path: Path, value: Any) -> None:
        super().__init__(".".join(path))
        self.path = path
        self.value = value


# --- operations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Put:
    """Set the value; with `only_if_absent`, only where the resource sets none."""

    value: Any
    only_if_absent: bool = False

    def apply(self, current: Any, path: Path) -> Any:
        if current is ABSENT or not self.only_if_absent:
            return self.value
        return current


@dataclass(frozen=True)
class MergeMap:
    """Add the keys the map lacks; `replace` names keys written on an earlier run, which take
    the new value."""

    values: Mapping[str, Any]
    replace: frozenset[str] = frozenset()

    def apply(self, current: Any, path: Path) -> Any:
        if current is ABSENT:
            return dict(self.values)
        if not _is_plain_map(current):
            raise Unwritable(path, current)
        merged = dict(current)
        for key, value in self.values.items():
            if key not in merged or key in self.replace:
                merged[key] = value
        return merged


def _same_item(key: Callable[[Any], str | None]) -> Callable[[Any, Any], bool]:
    def same(a: Any, b: Any) -> bool:
        if a == b:
            return True
        ka = key(a)
        return ka is not None and ka == key(b)

    return same


@dataclass(frozen=True)
class ExtendList:
    """Append the items not there yet (an item is there when equal, or of the same `key`);
    existing items whose key is in `replace` (written on an earlier run) give way to the new
    item of that key."""

    items: tuple[Any, ...]
    key: Callable[[Any], str | None] = field(default=lambda item: None, compare=False)
    replace: frozenset[str] = frozenset()

    def apply(self, current: Any, path: Path) -> Any:
        if current is ABSENT:
            return list(self.items)
        if isinstance(current, list):
            return self._extend(current)
        if is_intrinsic(current):
            return self._extend_intrinsic(current)
        raise Unwritable(path, current)

    def _extend(self, current: list[Any]) -> list[Any]:
        by_key = {self.key(item): item for item in self.items}
        result = []
        for item in current:
            key = self.key(item)
            if key is not None and key in self.replace:
                if key not in by_key:
                    continue  # written on an earlier run, no longer wanted
                item = by_key[key]
            result.append(item)
        same = _same_item(self.key)
        for item in self.items:
            if not any(same(item, existing) for existing in result):
                result.append(item)
        return result

    def _extend_intrinsic(self, current: Mapping[str, Any]) -> Any:
        """`Fn::Split [",", Fn::Join [",", [Fn::Join [",", <list>], item, ...]]]`."""
        inner, items = _split_join_parts(current)
        extended = self._extend(items)
        if extended == items and inner is not current:
            return current
        return {
            "Fn::Split": [
                LIST_SEPARATOR,
                {"Fn::Join": [LIST_SEPARATOR, [{"Fn::Join": [LIST_SEPARATOR, inner]}, *extended]]},
            ]
        }


def list_items(value: Any) -> list[Any]:
    """The items a list property holds whatever the conditions: those of a plain list, those
    in both branches of an `Fn::If`, and those added to a list intrinsic in the form
    `ExtendList` writes."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, Mapping) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            other = list_items(branches[2])
            return [item for item in list_items(branches[1]) if item in other]
        return []
    if is_intrinsic(value):
        return _split_join_parts(value)[1]
    return []


def values_at(properties: Mapping[str, Any], path: Path) -> list[Any]:
    """The values at `path` under every condition: one per branch of each `Fn::If` on the way
    (`ABSENT` where a branch does not set it, or sets `AWS::NoValue`)."""
    values: list[Any] = [properties]
    for key in path:
        found = []
        for value in values:
            for branch in _branches(value):
                found.append(branch.get(key, ABSENT) if _is_plain_map(branch) else ABSENT)
        values = found
    return [branch for value in values for branch in _branches(value)]


def _branches(value: Any) -> list[Any]:
    if isinstance(value, Mapping) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            return [*_branches(branches[1]), *_branches(branches[2])]
    return [ABSENT if value is ABSENT or _is_no_value(value) else value]


def is_list_expression(value: Any) -> bool:
    """A list given by an intrinsic function other than `Fn::If` (a `Ref` to a list
    parameter, `Fn::FindInMap`, `Fn::Split` ...), which `ExtendList` extends."""
    return is_intrinsic(value) and "Fn::If" not in value and not _is_no_value(value)


def _split_join_parts(value: Mapping[str, Any]) -> tuple[Any, list[Any]]:
    """The list expression and the items of a value in the form `_extend_intrinsic` writes;
    for any other list intrinsic, the value itself and no items."""
    split = value.get("Fn::Split")
    if isinstance(split, list) and len(split) == 2 and split[0] == LIST_SEPARATOR:
        join = split[1].get("Fn::Join") if isinstance(split[1], Mapping) else None
        if isinstance(join, list) and len(join) == 2 and join[0] == LIST_SEPARATOR:
            parts = join[1]
            if isinstance(parts, list) and parts and isinstance(parts[0], Mapping):
                first = parts[0].get("Fn::Join")
                if (
                    len(parts[0]) == 1
                    and isinstance(first, list)
                    and len(first) == 2
                    and first[0] == LIST_SEPARATOR
                ):
                    return first[1], list(parts[1:])
    return value, []


@dataclass(frozen=True)
class AddTags:
    """Add tags for the keys the resource does not tag yet, as a Key/Value list
    (CloudFormation) or a map (SAM) by `as_map`, or in the shape the resource already uses.
    A tag whose key is an intrinsic function is kept as it is. `replace` names keys written on
    an earlier run."""

    tags: Mapping[str, str]
    as_map: bool = False
    replace: frozenset[str] = frozenset()

    def apply(self, current: Any, path: Path) -> Any:
        if current is ABSENT:
            current = {} if self.as_map else []
        if _is_plain_map(current):
            merged = dict(current)
            for key, value in self.tags.items():
                if key not in merged or key in self.replace:
                    merged[key] = value
            return merged
        if not isinstance(current, list):
            raise Unwritable(path, current)
        result = []
        present = set()
        for tag in current:
            key = tag.get("Key") if _is_plain_map(tag) else None
            if isinstance(key, str) and key in self.replace and key in self.tags:
                tag = {**tag, "Value": self.tags[key]}
            if isinstance(key, str):
                present.add(key)
            result.append(tag)
        result.extend({"Key": k, "Value": v} for k, v in self.tags.items() if k not in present)
        return result


Operation = Put | MergeMap | ExtendList | AddTags


@dataclass(frozen=True)
class Patch:
    """One operation on the property at `path` (`("Environment", "Variables")`).

    `required`: the function cannot be instrumented without it (layers, handler, variables),
    so a value it cannot extend leaves the function alone; otherwise (tags, tracing) the patch
    alone is dropped, with a warning.
    """

    path: Path
    operation: Operation
    required: bool = True


@dataclass(frozen=True)
class Write:
    """A change to write at `path`: the new value, or with `append`, the items to add at the
    end of the plain list there."""

    path: Path
    value: Any
    append: bool = False


@dataclass(frozen=True)
class Writes:
    """What `plan_writes` worked out: the writes, and the patches it could not apply."""

    writes: tuple[Write, ...] = ()
    #: (patch, the value it met at its path) for each patch that could not be applied
    unwritable: tuple[tuple[Patch, Unwritable], ...] = ()

    @property
    def blocking(self) -> tuple[tuple[Patch, Unwritable], ...]:
        return tuple(item for item in self.unwritable if item[0].required)


# --- the applier ----------------------------------------------------------------------------


def _apply(value: Any, path: Path, done: Path, operation: Operation) -> Any:
    """`value` (at `done`) with `operation` applied at `path` below it."""
    if isinstance(value, Mapping) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if not (isinstance(branches, list) and len(branches) == 3):
            raise Unwritable(done, value)
        condition, when_true, when_false = branches
        return {
            "Fn::If": [
                condition,
                _apply(when_true, path, done, operation),
                _apply(when_false, path, done, operation),
            ]
        }
    if value is ABSENT or _is_no_value(value):
        value = ABSENT
    if not path:
        return operation.apply(value, done)
    if value is ABSENT:
        container: dict[str, Any] = {}
    elif _is_plain_map(value):
        container = dict(value)
    else:
        raise Unwritable(done, value)
    key = path[0]
    new = _apply(container.get(key, ABSENT), path[1:], (*done, key), operation)
    if new is ABSENT:
        return value
    container[key] = new
    return container


def _diff(old: Any, new: Any, path: Path) -> list[Write]:
    """The writes that turn `old` into `new` at `path`, each at the deepest plain position."""
    if old is ABSENT or _is_no_value(old):
        if _is_plain_map(new) and new:
            # key by key, so that a writer that merges (a CDK override) writes each leaf
            return [w for key, value in new.items() for w in _diff(ABSENT, value, (*path, key))]
        return [Write(path, new)]
    if old == new:
        return []
    if _is_plain_map(old) and _is_plain_map(new) and set(old) <= set(new):
        writes: list[Write] = []
        for key, value in new.items():
            writes.extend(_diff(old.get(key, ABSENT), value, (*path, key)))
        return writes
    if isinstance(old, list) and isinstance(new, list) and new[: len(old)] == old:
        return [Write(path, new[len(old) :], append=True)]
    return [Write(path, new)]


def plan_writes(properties: Mapping[str, Any], patches: Sequence[Patch]) -> Writes:
    """The writes that apply `patches`, in order, to `properties` (a resource's properties as
    read; never changed here)."""
    current: dict[str, Any] = dict(properties)
    unwritable = []
    for patch in patches:
        top = patch.path[0]
        try:
            new = _apply(current.get(top, ABSENT), patch.path[1:], (top,), patch.operation)
        except Unwritable as error:
            unwritable.append((patch, error))
            continue
        if new is not ABSENT:
            current[top] = new
    writes: list[Write] = []
    for key, value in current.items():
        writes.extend(_diff(properties.get(key, ABSENT), value, (key,)))
    return Writes(tuple(writes), tuple(unwritable))


def write_into(properties: dict[str, Any], writes: Sequence[Write]) -> None:
    """Write `writes` into a template's properties (a function's own, for SAM: the writes were
    worked out on the view with `Globals` merged, whose lists SAM adds and maps merges)."""
    for write in writes:
        target = properties
        for key in write.path[:-1]:
            child = target.get(key)
            if not isinstance(child, dict) or is_intrinsic(child):
                child = target[key] = {}
            target = child
        last = write.path[-1]
        if write.append:
            existing = target.get(last)
            target[last] = [*(existing if isinstance(existing, list) else []), *write.value]
        else:
            target[last] = write.value


def dotted(path: Path) -> str:
    return ".".join(path)
