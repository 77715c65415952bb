"""Read a plotly chart's JSON as the browser receives it (typed arrays decoded)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import numpy as np


def decoded(value: Any) -> Any:
    """The JSON with plotly's typed arrays ({"dtype", "bdata", "shape"}) as lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                shape = [int(s) for s in str(value["shape"]).split(",")]
                array = array.reshape(shape)
            return array.tolist()
        return {key: decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decoded(item) for item in value]
    return value


def numbers(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every number in the JSON with where it is (``data[0].error_y.array``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, float(value)
