"""Job functions for the job-registry tests (module level, so processes can run them)."""

from __future__ import annotations

import os
import time
from typing import Any


def count(progress: Any, *, n: int, pause: float = 0.0) -> int:
    total = 0
    for k in range(n):
        progress((k + 1) / n, f"step {k + 1} of {n}")
        total += k
        time.sleep(pause)
    return total


def sleep_forever(progress: Any, *, ignore_cancel: bool = False) -> None:
    progress(0.1, "sleeping")
    while True:
        time.sleep(0.05)
        if not ignore_cancel:
            progress(None, "still sleeping")


def fail(progress: Any, *, user: bool) -> None:
    from detente.errors import InputError

    if user:
        raise InputError("the value is wrong", field="x", fix="give another.")
    raise ZeroDivisionError("a bug")


def pid(progress: Any) -> int:
    return os.getpid()


def die(progress: Any) -> None:
    os._exit(3)
