"""Running the engines for a report, a page of the workbench or a script.

The layer between the models (:mod:`detente.bargaining`, :mod:`detente.partnership`)
and the two faces that show their results (:mod:`detente.report`, which renders, and
:mod:`detente.app`, which presents).  :mod:`~detente.pipeline.engines` runs the models
and the strategy lab on a scenario; :mod:`~detente.pipeline.results` holds what they
produce as plain objects and tidy tables; :mod:`~detente.pipeline.accuracy` puts each
model's measured accuracy on EU decisions beside its forecast;
:mod:`~detente.pipeline.publish` publishes a folder of results as a whole.
"""
