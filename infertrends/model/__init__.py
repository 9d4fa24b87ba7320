"""The book's energy model: one accounting chain from the accelerator to the facility, and what it is fed and
checked with.

:mod:`~infertrends.model.chain` (the chain), :mod:`~infertrends.model.accelerators` and
:mod:`~infertrends.model.workloads` (its hardware and its steps of work), :mod:`~infertrends.model.achieved` and
:mod:`~infertrends.model.interconnect` (measured speed, tensor-parallel communication),
:mod:`~infertrends.model.factors` (the sourced factors), :mod:`~infertrends.model.estimate` (a reader's own case),
:mod:`~infertrends.model.scenarios` and :mod:`~infertrends.model.sensitivity`, and the checks against meters:
:mod:`~infertrends.model.measurements`, :mod:`~infertrends.model.mlperf`, :mod:`~infertrends.model.validation`
and :mod:`~infertrends.model.calibrated` (the estimate the command line prints); and what it says of one question to
an assistant beside the operators' published figures, :mod:`~infertrends.model.assistants`.
"""
