"""Running render tasks: on a local process pool, or on a Dask cluster. Same job function.

Local workers are started by a fork server that has already imported the renderer, so a
new worker is ready at once; each is recycled after ``recycle_after`` tasks (None: never), a safety
net should anything keep memory per report (WeasyPrint 70 did: see reportgen.pdf.pango_leak).
A worker that dies takes only its tasks with it: they are
retried once on a fresh pool, then reported as failed. Workers end when the main process dies
(:mod:`reportgen.batch.orphans`); on Dask, the scheduler releases the tasks of a client that is gone.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from .orphans import die_with_main
from .worker import Rendered, Task, render_task

#: Modules the fork server imports once, so forked workers start warm.
_PRELOAD = ["reportgen.batch.worker", "reportgen.pipeline", "weasyprint", "matplotlib.figure"]


def run_local(tasks: Sequence[Task], workers: int, recycle_after: int | None = 1000) -> Iterator[Rendered]:
    """Render ``tasks`` on ``workers`` local processes, yielding results as they finish."""
    if not tasks:  # an up-to-date batch starts no processes
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    pending = list(tasks)
    for attempt in range(2):
        died: list[Task] = []
        executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, max_tasks_per_child=recycle_after,
            initializer=die_with_main, initargs=(os.getpid(),),  # no worker outlives the batch, even kill -9
        )  # fmt: skip
        try:
            futures: dict[Future[Rendered], Task] = {}
            queue = iter(pending)
            # Keep a bounded number of tasks in flight: results stream back as they finish.
            for task in queue:
                futures[executor.submit(render_task, task)] = task
                if len(futures) >= workers * 4:
                    break
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    task = futures.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        died.append(task)
                    nxt = next(queue, None)
                    if nxt is not None:
                        try:
                            futures[executor.submit(render_task, nxt)] = nxt
                        except BrokenProcessPool:
                            died.append(nxt)
                            died.extend(queue)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        if not died:
            return
        pending = died
        if attempt == 1:
            for task in died:
                yield Rendered(
                    task.job_id,
                    None,
                    0,
                    0.0,
                    (
                        "the worker process rendering this report died (killed by the system or out of memory, "
                        "or ended by its watchdog after a render stuck past its time or memory limit)"
                    ),
                )


def run_dask(tasks: Sequence[Task], scheduler: str) -> Iterator[Rendered]:
    """Render ``tasks`` on the Dask cluster at ``scheduler`` (``tcp://host:port``)."""
    from dask.distributed import Client, as_completed

    with Client(scheduler, set_as_default=False) as client:
        futures = client.map(render_task, list(tasks), pure=False, key=[f"reportgen-{t.job_id}" for t in tasks])
        task_of = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        try:
            for future in as_completed(futures, loop=client.loop):
                try:
                    yield future.result()
                except Exception as exc:  # a worker lost, a task cancelled: the task failed, the batch goes on
                    task = task_of[future.key]
                    yield Rendered(task.job_id, None, 0, 0.0, f"Dask task failed: {type(exc).__name__}: {exc}")
        finally:
            client.cancel([f for f in futures if not f.done()])
