"""Local workers end with the batch: when its main process dies, even by ``kill -9``, no worker is left running.

A local worker is forked by multiprocessing's fork server. The fork server exits by itself once no process holds
the write end of its "alive" pipe, but every worker holds one too, so it cannot notice the main process dying while
workers live; and ``prctl(PR_SET_PDEATHSIG)`` in a worker would wait for the fork server. So each worker watches
the main process itself: :func:`die_with_main`, the pool's initializer, opens a pidfd of the main process (readable
when it exits; Linux 5.3 and later) and waits on it in a daemon thread, which kills the worker at once when the
main process is gone. Where there is no pidfd the thread checks the main process every second instead. Opening
the pidfd fails if the main process died before the worker started, and the worker then exits at once: no race.
With the workers gone, the fork server and the resource tracker see their pipes close and exit too.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time

#: How often the fallback (no pidfd) looks for the main process, in seconds.
POLL_SECONDS = 1.0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process exists under that pid (another user's): not gone
        return True
    return True


def _end_worker() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # at once: a render stuck in C must not keep it alive


def _wait_on_pidfd(pidfd: int) -> None:
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    while not poller.poll():  # readable once the process has exited
        pass
    _end_worker()


def _wait_by_polling(pid: int) -> None:
    while alive(pid):
        time.sleep(POLL_SECONDS)
    _end_worker()


def die_with_main(main_pid: int) -> None:
    """The worker initializer: end this worker when the batch's main process ``main_pid`` exits."""
    try:
        pidfd = os.pidfd_open(main_pid)
    except ProcessLookupError:  # already gone: this worker has no one to work for
        os._exit(1)
    except (OSError, AttributeError):  # no pidfd here (an old kernel, not Linux)
        watch = threading.Thread(target=_wait_by_polling, args=(main_pid,), name="reportgen-main-watch", daemon=True)
    else:
        watch = threading.Thread(target=_wait_on_pidfd, args=(pidfd,), name="reportgen-main-watch", daemon=True)
    watch.start()
