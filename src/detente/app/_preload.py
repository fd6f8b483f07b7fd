"""Imported once by the job runner's forkserver: libraries loaded, models compiled.

Every job process is forked from the forkserver, so what this module does at import
(importing numpy, pandas, the models, the pipeline and the report, and running each
model once on a tiny scenario so that numba compiles, or loads from its cache, the
models' code) is done once for all jobs instead of once per job.  It never raises: a
model that fails to warm up is reported by the app's own warm-up.
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(BaseException):
    import altair  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import detente.bargaining
    import detente.partnership
    import detente.pipeline.engines
    import detente.report.analyze  # noqa: F401
    from detente.app._worker import warm_models

    warm_models()
