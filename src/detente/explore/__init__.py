"""Exploratory modelling: many sampled futures, robust strategies, scenario discovery.

The vocabulary is the EMA Workbench's (Kwakkel 2017): a :class:`Model` has
*uncertainties* (:class:`Uniform`, :class:`Triangular`, :class:`Normal`,
:class:`Integer`, :class:`Categorical`), *levers* and *outcomes*; an
:class:`ExperimentDesign` crosses sampled scenarios (Latin hypercube, Sobol, Monte
Carlo) with :class:`Strategy` s; :func:`perform_experiments` evaluates it in chunks,
in-process or on Dask, streaming to Parquet; :mod:`~detente.explore.robustness`,
:mod:`~detente.explore.prim` and :mod:`~detente.explore.sensitivity` analyse the
results.  Nothing here knows about any particular model.
"""

from detente.explore.evaluate import Results, evaluate_chunk, perform_experiments
from detente.explore.model import Combine, ExperimentDesign, Model
from detente.explore.parameters import (
    Categorical,
    Constant,
    Direction,
    Integer,
    Normal,
    Outcome,
    Parameter,
    Strategy,
    Triangular,
    Uniform,
)
from detente.explore.prim import PrimBox, PrimResult, find_boxes
from detente.explore.robustness import StrategyScore, rank, regret, robustness, satisficing_share
from detente.explore.sampling import Sampler, chunk_seed, sample_chunk
from detente.explore.sensitivity import SobolIndices, sobol_indices

__all__ = [
    "Categorical",
    "Combine",
    "Constant",
    "Direction",
    "ExperimentDesign",
    "Integer",
    "Model",
    "Normal",
    "Outcome",
    "Parameter",
    "PrimBox",
    "PrimResult",
    "Results",
    "Sampler",
    "SobolIndices",
    "Strategy",
    "StrategyScore",
    "Triangular",
    "Uniform",
    "chunk_seed",
    "evaluate_chunk",
    "find_boxes",
    "perform_experiments",
    "rank",
    "regret",
    "robustness",
    "sample_chunk",
    "satisficing_share",
    "sobol_indices",
]
