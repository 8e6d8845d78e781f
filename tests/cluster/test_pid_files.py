"""ops.cluster stops exactly the processes its PID files name: whole process groups, never a reused PID.
Cheap (a few `sleep` processes), so it runs in `make test` too."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from ops.cluster import cluster


def _gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not cluster._alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_stop_ends_each_component_and_its_children(tmp_path: Path) -> None:
    layout = cluster.Layout(tmp_path)
    env = {"PATH": os.environ["PATH"]}
    # A component that starts a child of its own, as a Celery worker starts task processes.
    parent = cluster._spawn(layout, "worker-0", ["sh", "-c", "sleep 300 & sleep 300; wait"], env)
    other = cluster._spawn(layout, "scheduler", ["sleep", "300"], env)
    time.sleep(0.3)
    children = [int(p) for p in subprocess.run(["pgrep", "-g", str(parent)], capture_output=True, text=True)
                .stdout.split()]
    assert len(children) >= 2
    assert dict(cluster.status(tmp_path)) == {"worker-0": parent, "scheduler": other}
    assert set(cluster.stop(tmp_path, grace=5)) == {"worker-0", "scheduler"}
    assert all(_gone(pid) for pid in [parent, other, *children])
    assert not list(layout.pids.glob("*.pid"))
    assert (layout.logs / "worker-0.log").exists()


def test_a_reused_pid_is_never_signalled(tmp_path: Path) -> None:
    layout = cluster.Layout(tmp_path)
    bystander = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        layout.pids.mkdir(parents=True)
        # The PID file names this PID but another start time: the process it meant is gone.
        layout.pid_file("triggerer").write_text(f"{bystander.pid} 1\n")
        assert cluster.read_pid(layout, "triggerer") is None
        cluster.stop(tmp_path, grace=1)
        assert bystander.poll() is None
        assert cluster.kill_component(layout, "triggerer") is None
        assert bystander.poll() is None
    finally:
        bystander.send_signal(signal.SIGKILL)
        bystander.wait()


def test_stop_with_nothing_running_is_quiet(tmp_path: Path) -> None:
    assert cluster.stop(tmp_path) == []
    assert cluster.main(["status", "--home", str(tmp_path)]) == 0
