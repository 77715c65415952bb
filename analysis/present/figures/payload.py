"""Round a chart's numbers to what the screen shows before it is sent (methods §8.1).

A plotly chart sends its data to the browser as JSON: whatever precision the figure
holds, anyone can read it from the page. :func:`rounded_figure` rounds every number a
trace carries to the precision its own hover or text template shows (``%{y:.1f}`` → 1
decimal, a whole-percent format → 2 decimals of a proportion, ``%{x:,.0f}`` → 0);
error bars follow their axis, and a number no template formats is rounded to
``default_decimals``. Marker sizes (which scale with a subgroup's weight) are rounded to
one decimal, and the coordinates of shapes and annotations to ``default_decimals``.
The dashboard applies it in one place, its chart helper, so every chart of every page
goes through it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

DEFAULT_DECIMALS = 2
MARKER_SIZE_DECIMALS = 1
_FIELD = re.compile(r"%\{([a-zA-Z_]+)(?:\[(\d+)\])?(?::([^}]*))?\}")
_PRECISION = re.compile(r"\.(\d+)([a-zA-Z%])")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_AXES = ("x", "y", "z", "base", "width", "open", "high", "low", "close", "r", "zmin", "zmax",
         "zmid")
_LAYOUT_POINTS = ("x0", "x1", "y0", "y1", "x", "y")


def shown_decimals(template: str, default: int = DEFAULT_DECIMALS) -> dict[str, int]:
    """Field → decimals a template shows: ``"%{y:.1f} %{customdata[0]:.2f}"`` →
    ``{"y": 1, "customdata[0]": 2}`` (a percent format counts 2 more); a
    significant-digit format (``:.4g``) gives minus the digits (−4). A field shown
    twice keeps the finer precision."""
    found: dict[str, int] = {}
    for name, index, spec in _FIELD.findall(template or ""):
        field = f"{name}[{index}]" if index else name
        match = _PRECISION.search(spec or "")
        if match and match.group(2) in "gGrsS":  # significant digits: held as −digits
            places = -max(int(match.group(1)), 1)
        elif match:
            places = int(match.group(1)) + (2 if match.group(2) == "%" else 0)
        elif spec and spec.rstrip().endswith("d"):
            places = 0
        else:
            places = default
        earlier = found.get(field)
        found[field] = places if earlier is None else (
            min(earlier, places) if min(earlier, places) < 0 else max(earlier, places))
    return found


def _typed_array(value: Mapping[str, Any]) -> np.ndarray:
    """Plotly's typed array (``{"dtype", "bdata", "shape"}``, as ``to_plotly_json``
    writes numeric arrays) as a numpy array."""
    array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    if value.get("shape"):
        array = array.reshape([int(s) for s in str(value["shape"]).split(",")])
    return array


def _round(value: Any, places: int) -> Any:
    """Numbers (scalars, lists, arrays, object arrays mixing text) rounded; text kept."""
    if isinstance(value, Mapping) and "bdata" in value and "dtype" in value:
        value = _typed_array(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if not np.isfinite(number) or number == 0:
            return number
        if places < 0:  # significant digits
            return float(f"{number:.{-places}g}")
        return round(number, places)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu" and places >= 0:
        return np.round(value.astype(float), places)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_round(item, places) for item in value]
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        # A number turned into text by stacking it with labels (np.column_stack).
        return _round(float(value), places)
    return value


def _customdata(value: Any, places: Mapping[str, int], default: int) -> Any:
    if isinstance(value, Mapping) and "bdata" in value:
        value = _typed_array(value)
    array = np.asarray(value, dtype=object)
    if array.ndim == 2:
        columns = [_round(array[:, i].tolist(), places.get(f"customdata[{i}]", default))
                   for i in range(array.shape[1])]
        return [list(row) for row in zip(*columns, strict=True)] if columns else value
    return _round(array.tolist(), places.get("customdata", default))


def _rounded_trace(trace: dict[str, Any], default: int) -> dict[str, Any]:
    templates = " ".join(str(trace.get(key) or "") for key in ("hovertemplate",
                                                                 "texttemplate"))
    places = shown_decimals(templates, default)
    out = dict(trace)
    for axis in _AXES:
        if axis in out:
            out[axis] = _round(out[axis], places.get(axis, default))
    for bar, axis in (("error_y", "y"), ("error_x", "x")):
        if isinstance(out.get(bar), dict):
            bars = dict(out[bar])
            for key in ("array", "arrayminus", "value", "valueminus"):
                if key in bars:
                    bars[key] = _round(bars[key], places.get(axis, default))
            out[bar] = bars
    if out.get("customdata") is not None:
        out["customdata"] = _customdata(out["customdata"], places, default)
    if "text" in out:
        out["text"] = _round(out["text"], places.get("text", default))
    if isinstance(out.get("marker"), dict) and "size" in out["marker"]:
        out["marker"] = {**out["marker"],
                         "size": _round(out["marker"]["size"], MARKER_SIZE_DECIMALS)}
    return out


def rounded_figure(figure: go.Figure, default_decimals: int = DEFAULT_DECIMALS) -> go.Figure:
    """A copy of ``figure`` whose numbers carry no more precision than the chart shows."""
    plain = figure.to_plotly_json()
    data = [_rounded_trace(trace, default_decimals) for trace in plain.get("data", [])]
    layout = dict(plain.get("layout", {}))
    for key in ("shapes", "annotations"):
        if key in layout:
            layout[key] = [{**item, **{p: _round(item[p], default_decimals)
                                       for p in _LAYOUT_POINTS if p in item}}
                           for item in layout[key]]
    return go.Figure({"data": data, "layout": layout})
