"""write_atomic: the mode a plain open() would give, not mkstemp's 0600."""

from __future__ import annotations

import os
from pathlib import Path

from costmodel.views.files import write_atomic


def test_written_files_get_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "report.html", "<p>hi</p>")
    finally:
        os.umask(umask)
    # 0o666 & ~0o022 = 0o644: readable by everyone, like any file a shell redirect writes.
    assert (path.stat().st_mode & 0o777) == 0o644
    assert path.read_text() == "<p>hi</p>"
