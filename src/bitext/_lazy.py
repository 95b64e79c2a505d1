"""Names a package imports from its submodules on first use (PEP 562).

`import bitext` and the command line's start-up must not pay for numpy, jieba,
the encoder or lxml; a package lists where each public name lives and
`lazy_names` gives it the module-level `__getattr__` and `__dir__` that import
the home module when the name is first read and keep the value as a global.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """(`__getattr__`, `__dir__`) for `package`, whose names live in `homes` (name -> ".module").

    `namespace` is the package's `globals()`: a name once imported is cached
    there, so the next lookup does not come back to `__getattr__`.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
