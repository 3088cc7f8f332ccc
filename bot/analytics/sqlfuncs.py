"""Two portable SQL expressions, compiled per dialect (SQLite and PostgreSQL).

* :class:`JsonText` reads a text value at a JSON path of a text column
  (``json_extract`` on SQLite, ``CAST(.. AS JSON) #>> '{..}'`` on PostgreSQL).
* :class:`FloorDiv` is ``floor(value / divisor)`` as an integer, for non-negative values.
"""

from __future__ import annotations

import re
from typing import Any, Union

from sqlalchemy import BigInteger, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement

PathPart = Union[str, int]
_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class JsonText(ColumnElement):  # type: ignore[type-arg]
    type = String()
    inherit_cache = False

    def __init__(self, expr: Any, *path: PathPart) -> None:
        for part in path:
            if not isinstance(part, int) and not _KEY_RE.match(part):
                raise ValueError(f"unsupported JSON path part {part!r}")
        self.expr = expr
        self.path = path


@compiles(JsonText)
def _json_text_sqlite(element: JsonText, compiler: Any, **kw: Any) -> str:
    path = "$"
    for part in element.path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return f"json_extract({compiler.process(element.expr, **kw)}, '{path}')"


@compiles(JsonText, "postgresql")
def _json_text_postgresql(element: JsonText, compiler: Any, **kw: Any) -> str:
    path = ",".join(str(part) for part in element.path)
    return f"(CAST({compiler.process(element.expr, **kw)} AS JSON) #>> '{{{path}}}')"


class FloorDiv(ColumnElement):  # type: ignore[type-arg]
    type = BigInteger()
    inherit_cache = False

    def __init__(self, expr: Any, divisor: float) -> None:
        if divisor <= 0:
            raise ValueError("divisor must be positive")
        self.expr = expr
        self.divisor = float(divisor)


@compiles(FloorDiv)
def _floor_div_sqlite(element: FloorDiv, compiler: Any, **kw: Any) -> str:
    # SQLite's CAST truncates toward zero: floor for the non-negative values used here.
    return f"CAST(({compiler.process(element.expr, **kw)}) / {element.divisor!r} AS INTEGER)"


@compiles(FloorDiv, "postgresql")
def _floor_div_postgresql(element: FloorDiv, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR(({compiler.process(element.expr, **kw)}) / {element.divisor!r}) AS BIGINT)"
