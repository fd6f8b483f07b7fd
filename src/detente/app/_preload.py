"""Imported once by the job runner's forkserver: the libraries every job uses.

Every job process is forked from the forkserver, so importing numpy, pandas, Altair,
the models, the pipeline and the report here is done once for all jobs instead of
once per job.  (Compiled model code is not kept here: the app's warm-up job fills
numba's cache, from which each job loads it.)  It never raises.
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(BaseException):
    import altair  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import detente.app._worker
    import detente.bargaining
    import detente.partnership
    import detente.pipeline.engines
    import detente.report.analyze  # noqa: F401
