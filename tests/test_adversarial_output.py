"""``--output`` into a pipe or a device writes into it; it never replaces the device with a plain file."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agilesocial.cli.app import app
from agilesocial.config import Project
from agilesocial.reportfile import MARKER
from test_retro_fixtures import hand_built_analysis, make_project


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    import agilesocial.analysis

    project = make_project(tmp_path / "proj")
    monkeypatch.chdir(project.root)
    monkeypatch.delenv("AGILE_SOCIAL_DB", raising=False)
    monkeypatch.setattr(agilesocial.analysis, "run_analysis", lambda *a, **k: hand_built_analysis())
    return project


def test_output_into_a_named_pipe_streams_the_report(in_project: Project) -> None:
    fifo = in_project.root / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    res = CliRunner().invoke(app, ["retro", "2026-s01", "--no-store", "--format", "md", "--output", str(fifo)])
    reader.join(timeout=60)
    assert res.exit_code == 0, res.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a pipe, not a file renamed over it
    assert received and MARKER.encode() in received[0] and b"# " in received[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_output_into_a_device_keeps_the_device(in_project: Project) -> None:
    """``--output /dev/null`` replaced /dev/null with a plain file (a temporary file renamed over it), for every
    program on the machine."""
    device = in_project.root / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    res = CliRunner().invoke(app, ["retro", "2026-s01", "--no-store", "--format", "html", "--output", str(device)])
    assert res.exit_code == 0, res.output
    assert stat.S_ISCHR(device.lstat().st_mode)
