"""Peak memory of a command, measured as the kernel counts it for that command alone.

``wait4``'s or ``RUSAGE_CHILDREN``'s ``ru_maxrss`` of a process forked straight from the test
includes the pages it shared with the test process before ``exec`` (Linux keeps the larger of
the two high-water marks across exec), so under a 500 MB pytest worker every child looks like
500 MB. A small wrapper process is started first; the command is its child, forked from the
wrapper's small image, and the wrapper prints that child's peak on its last line of stderr.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence

#: Runs the command given, then prints its peak resident size in KiB on stderr's last line.
_MEASURING = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "print(f'peak-rss-kib={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)
_PEAK = re.compile(r"peak-rss-kib=(\d+)\s*$")


def run_measured(command: Sequence[str], timeout: float) -> tuple[subprocess.CompletedProcess[str], int]:
    """``command`` run to its end (within ``timeout`` seconds), with its stderr less the wrapper's
    line, and its peak resident memory in bytes."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURING, *command],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    found = _PEAK.search(done.stderr)
    assert found, done.stderr
    done.stderr = done.stderr[: found.start()]
    return done, int(found.group(1)) * 1024
