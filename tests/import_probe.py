"""Which modules a piece of code imports, measured in a fresh interpreter against its own start-up.

An interpreter may import modules before any code runs (a `.pth` file in site-packages imported `tempfile` on
one CI machine), so a test of what costmodel imports compares against what was loaded at start-up.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

_PROBE = (
    "import sys as _probe_sys\n"
    "_probe_before = set(_probe_sys.modules)\n"
    "{code}\n"
    "import json as _probe_json\n"
    "print(_probe_json.dumps(sorted(set(_probe_sys.modules) - _probe_before)))\n"
)


def modules_imported_by(code: str, *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> set[str]:
    """The names of the modules `code` imports beyond those the interpreter had loaded before it ran."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(code=code)],
        cwd=cwd, env=None if env is None else dict(env), capture_output=True, text=True, check=True, timeout=120,
    )
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return set(loaded)
