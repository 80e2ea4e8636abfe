"""Statistics core: pure functions on sufficient statistics and arrays (no duckdb, rich, typer or YAML).

Imported lazily by ``agilesocial.analysis``; heavy dependencies (numpy, scipy, statsmodels) load with it.
"""

from agilesocial.stats.bayes import bayesian
from agilesocial.stats.corrections import adjust_pvalues, sequential_alpha, srm_check
from agilesocial.stats.counts import count_glm, overdispersion_test
from agilesocial.stats.its import ItsResult, PlaceboResult, comparative_its, interrupted_time_series, placebo_check
from agilesocial.stats.ksample import KSampleResult, chi_square_k, chi_square_omnibus
from agilesocial.stats.means import student_t, welch_t
from agilesocial.stats.permutation import permutation_test
from agilesocial.stats.power import (
    mde_for_n,
    n_for_mean,
    n_for_proportion,
    n_for_ratio,
    power_proportion,
    ratio_sd_from_stats,
)
from agilesocial.stats.proportions import chi_square, fisher_exact, two_proportion
from agilesocial.stats.ranks import mann_whitney
from agilesocial.stats.rates import poisson_exact
from agilesocial.stats.ratio import pooled_z, ratio_delta
from agilesocial.stats.result import DEFAULT_MIN_N, TestResult
from agilesocial.stats.simulate import simulated_power
from agilesocial.stats.sufficient import SampleStats
from agilesocial.stats.timeseries import SegmentedFit, newey_west_lags, segmented_fit

__all__ = [
    "DEFAULT_MIN_N",
    "ItsResult",
    "KSampleResult",
    "PlaceboResult",
    "SampleStats",
    "SegmentedFit",
    "TestResult",
    "adjust_pvalues",
    "bayesian",
    "chi_square",
    "chi_square_k",
    "chi_square_omnibus",
    "comparative_its",
    "count_glm",
    "fisher_exact",
    "interrupted_time_series",
    "mann_whitney",
    "mde_for_n",
    "n_for_mean",
    "n_for_proportion",
    "n_for_ratio",
    "newey_west_lags",
    "overdispersion_test",
    "permutation_test",
    "placebo_check",
    "poisson_exact",
    "pooled_z",
    "power_proportion",
    "ratio_delta",
    "ratio_sd_from_stats",
    "segmented_fit",
    "sequential_alpha",
    "simulated_power",
    "srm_check",
    "student_t",
    "two_proportion",
    "welch_t",
]
