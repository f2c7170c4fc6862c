"""Checks a request against the EMR on EKS service model that botocore ships.

botocore itself checks types, required members, unknown members and minimum lengths before it
sends a request; the API also enforces maximum lengths and patterns, which this checks as well.
"""
from __future__ import annotations

import re


def violations(operation: str, parameters: dict) -> list[str]:
    """Every way `parameters` break the input shape of `operation` of emr-containers; empty if none."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("emr-containers")
    found: list[str] = []
    _check(model.operation_model(operation).input_shape, parameters, operation, found)
    return found


def _check(shape, value, path: str, found: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        for name in shape.required_members:
            if name not in value:
                found.append(f"{path}.{name} is required")
        for name, member_value in value.items():
            if name not in shape.members:
                found.append(f"{path}.{name} is not a member of {shape.name}")
            else:
                _check(shape.members[name], member_value, f"{path}.{name}", found)
    elif kind == "list":
        _check_size(shape, len(value), path, "items", found)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", found)
    elif kind == "map":
        _check_size(shape, len(value), path, "entries", found)
        for key, item in value.items():
            _check(shape.key, key, f"{path} key {key!r}", found)
            _check(shape.value, item, f"{path}[{key!r}]", found)
    elif kind == "string":
        _check_size(shape, len(value), path, "characters", found)
        pattern = shape.metadata.get("pattern")
        if pattern is not None and re.fullmatch(pattern, value, flags=re.DOTALL) is None:
            found.append(f"{path} {value!r} does not match {pattern}")


def _check_size(shape, size: int, path: str, unit: str, found: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and size < low:
        found.append(f"{path} has {size} {unit}, fewer than {low}")
    if high is not None and size > high:
        found.append(f"{path} has {size} {unit}, more than {high}")
