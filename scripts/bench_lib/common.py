"""What both benchmark drivers need: child processes that always end, free ports, log tails and
a description of the machine. Imported by bench.py and dataplane.py, which run as scripts from
this directory."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable


class BenchError(Exception):
    """A measurement that could not be made."""


def logger(prefix: str) -> Callable[[str], None]:
    """A progress printer for stderr, so stdout stays the report."""

    def log(msg: str) -> None:
        print(f"{prefix}: {msg}", file=sys.stderr, flush=True)

    return log


class Procs:
    """Every child started, so they can all be ended (by id) whatever happens."""

    def __init__(self, work: Path):
        self.pidfile = work / "pids"
        self.procs: list[subprocess.Popen] = []

    def start(self, argv, **kw) -> subprocess.Popen:
        p = subprocess.Popen(argv, **kw)
        self.procs.append(p)
        with open(self.pidfile, "a") as f:
            f.write(f"{p.pid}\n")
        return p

    def run(self, argv, timeout: float, **kw) -> tuple[int, str, str]:
        """Runs a short command to its end (bounded); returns (status, stdout, stderr)."""
        p = self.start(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, **kw)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate(timeout=5)
            raise BenchError(f"{' '.join(map(str, argv[:4]))} ... took longer than {timeout:.0f} s")
        return p.returncode, out, err

    @staticmethod
    def stop(p: subprocess.Popen, timeout: float = 15.0) -> None:
        if p.poll() is not None:
            return
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)

    def stop_all(self) -> None:
        for p in reversed(self.procs):
            try:
                self.stop(p)
            except Exception:  # noqa: BLE001 - best effort at exit
                pass


def free_port(avoid: set[int] = frozenset()) -> int:
    """A TCP port free on every local address (Rewind's MySQL endpoints bind 127.1.x.y)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("0.0.0.0", 0))
            port = s.getsockname()[1]
        if port not in avoid:
            return port
    raise BenchError("no free port found")


def tail(path: Path, n: int = 15) -> str:
    """The last lines of a child's log, indented, for an error message."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "    (no output)"
    return "\n".join("    " + line for line in lines[-n:]) or "    (no output)"


def run_reporting(run, args, prefix: str) -> int:
    """Runs a driver's measurement; an unmeasurable run is exit 1, an interrupt 130."""
    try:
        run(args)
    except BenchError as e:
        print(f"{prefix}: FAILED: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as e:
        print(f"{prefix}: interrupted ({e})", file=sys.stderr)
        return 130
    return 0


def loadavg() -> float:
    """The 1-minute load average, reported beside the figures it may have disturbed."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def machine() -> str:
    """Distribution, kernel, cores and CPU model, for the report's header."""
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    distro = ""
    try:
        distro = "Debian " + Path("/etc/debian_version").read_text().strip() + ", "
    except OSError:
        pass
    return f"{distro}Linux {platform.release()}, {os.cpu_count()} cores ({model})"
