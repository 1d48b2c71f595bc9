"""One BLAS thread while batch chunks run on threads of their own.

The NumPy backend's matrix products (:meth:`NumpyBackend.apply_matrices`) go to the BLAS that NumPy
links (OpenBLAS in the wheels), which starts threads of its own for large products. Two threads of
a batch split each asking OpenBLAS for every core made the 2-D 96x224x224 forward 1.8x slower than
with one BLAS thread each (measured 2026-12-04). While any thread computes in
:meth:`NumpyBackend.single_threaded`, the process's BLAS libraries are set to one thread (through
``threadpoolctl``) and set back when the last such thread leaves: other BLAS calls of the process
run single-threaded meanwhile.
"""
from __future__ import annotations

import contextlib
import threading

__all__ = ["blas_single_threaded"]

_lock = threading.Lock()
_state: dict = {"depth": 0, "saved": (), "controllers": None}


def _controllers() -> tuple:
    """The BLAS libraries loaded in the process (threadpoolctl's controllers), found once."""
    controllers = _state["controllers"]
    if controllers is None:
        try:
            import threadpoolctl

            controllers = tuple(threadpoolctl.ThreadpoolController()
                                .select(user_api="blas").lib_controllers)
        except Exception:  # noqa: BLE001 - no threadpoolctl, or a library it cannot read
            controllers = ()
        _state["controllers"] = controllers
    return controllers


def _set_threads(controller, threads: int) -> None:
    """Set a process-wide BLAS thread pool's size from any thread.

    threadpoolctl lets only the first thread that set such a limit set it again (later ones do
    nothing): the thread-pool threads of a batch split would keep that role and the calling thread
    could never restore the limit. The changes here are all made under :data:`_lock`.
    """
    clear = getattr(type(controller), "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)
    controller.set_num_threads(threads)
    if clear is not None:
        clear(force=True)


@contextlib.contextmanager
def blas_single_threaded():
    """Within this context (in any thread), the BLAS libraries of the process use one thread."""
    controllers = _controllers()
    # OpenMP-threaded builds take per-thread limits: this thread's own, set and restored here.
    own = [(c, c.num_threads) for c in controllers if c.threading_layer == "openmp"]
    for controller, threads in own:
        if threads != 1:
            controller.set_num_threads(1)
    with _lock:
        if _state["depth"] == 0:
            saved = []
            for controller in controllers:
                if controller.threading_layer == "openmp":
                    continue
                threads = controller.num_threads
                if threads != 1:
                    _set_threads(controller, 1)
                    saved.append((controller, threads))
            _state["saved"] = tuple(saved)
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                for controller, threads in _state["saved"]:
                    _set_threads(controller, threads)
                _state["saved"] = ()
        for controller, threads in own:
            if threads != 1:
                controller.set_num_threads(threads)
