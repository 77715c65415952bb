"""Analysis core of the coaching program evaluation dashboard.

The public API, for a notebook or a script::

    import analysis as an
    an.ttest_paired(follow_up, baseline).g_av      # Estimate(value, Interval(...), n, note)
    an.summarize_program(an.load_sample_program().program)

Every statistic takes plain arrays (as :mod:`scipy.stats` and pingouin do) and returns a
small frozen result object whose estimates share one shape, :class:`Estimate` with its
:class:`Interval` (limits, method, level). The program-level functions run the same
statistics over a whole survey export, already disclosure-controlled (methods §8).
Inside, the package is layered (model ← intake, stats, roi ← present ← cli); this file
is the curated front door and the only module that may reach every layer.
Nothing here imports Streamlit.
"""

from analysis.intake.pipeline import load_sample_program, prepare_program
from analysis.intake.scoring import cronbach_alpha
from analysis.present.readings import with_readings
from analysis.stats.defaults import CONFIDENCE_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED
from analysis.stats.effect_sizes import (
    cohens_d_av,
    cohens_d_independent,
    cohens_dz,
    hedges_correction,
    hedges_g_av,
    hedges_g_independent,
)
from analysis.stats.group_comparison import compare_groups
from analysis.stats.multiplicity import holm_adjust
from analysis.stats.prepost import pre_post
from analysis.stats.prevalence import McNemarResult, mcnemar
from analysis.stats.proportions import (
    NumberNeededToTreat,
    newcombe_difference_interval,
    number_needed_to_treat,
    wilson_interval,
)
from analysis.stats.reliable_change import ReliableChange, reliable_change_scores
from analysis.stats.results import Estimate, Interval, tidy_columns
from analysis.stats.subgroups import PooledEstimate, pooled_random_effects
from analysis.stats.summary import ProgramSummary, SummaryOptions, summarize_program
from analysis.stats.survival import LogRankResult, kaplan_meier, logrank
from analysis.stats.ttests import PairedTTest, TwoSampleTTest, ttest_ind, ttest_paired

__all__ = [
    # one result shape
    "Estimate",
    "Interval",
    "tidy_columns",
    # shared defaults
    "CONFIDENCE_LEVEL",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    # tests on plain arrays
    "ttest_ind",
    "TwoSampleTTest",
    "ttest_paired",
    "PairedTTest",
    "mcnemar",
    "McNemarResult",
    "kaplan_meier",
    "logrank",
    "LogRankResult",
    "pooled_random_effects",
    "PooledEstimate",
    "holm_adjust",
    # effect sizes
    "cohens_dz",
    "cohens_d_av",
    "hedges_g_av",
    "cohens_d_independent",
    "hedges_g_independent",
    "hedges_correction",
    # proportions
    "wilson_interval",
    "newcombe_difference_interval",
    "number_needed_to_treat",
    "NumberNeededToTreat",
    # measurement
    "cronbach_alpha",
    "reliable_change_scores",
    "ReliableChange",
    # whole programs
    "load_sample_program",
    "prepare_program",
    "pre_post",
    "compare_groups",
    "summarize_program",
    "SummaryOptions",
    "ProgramSummary",
    "with_readings",
]
