"""Seeded calibration of the before/after model: A/A false-positive rate and CI coverage of a known change.

Sized to run in seconds; ``benchmarks/its_calibration.py`` runs the same simulations larger.
"""

from __future__ import annotations

from its_simulate import simulate

SIMS = 800


def test_aa_rejection_rate_single_series() -> None:
    rate, coverage = simulate(SIMS, 28, 28, 0.0, seed=1)
    print(f"\nA/A rejection rate at alpha 0.05, 28 + 28 days: {rate:.3f} (coverage of 0: {coverage:.3f})")
    assert 0.03 <= rate <= 0.07


def test_known_level_change_is_covered_93_to_97_percent() -> None:
    rate, coverage = simulate(SIMS, 28, 28, 0.3, seed=2)
    print(f"\n+30 % level change, 28 + 28 days: CI coverage {coverage:.3f}, power {rate:.2f}")
    assert 0.93 <= coverage <= 0.97
    # ~21 engagements a day (Poisson noise alone is +-22 % a day) and a slope change to allow for: ~half the time
    assert 0.35 <= rate <= 0.65


def test_short_history_stays_calibrated() -> None:
    rate, coverage = simulate(SIMS, 14, 14, 0.0, seed=3)
    print(f"\nA/A, 14 + 14 days: rejection {rate:.3f}, coverage {coverage:.3f}")
    assert 0.03 <= rate <= 0.07 and 0.93 <= coverage <= 0.97


def test_comparative_design_is_calibrated() -> None:
    rate, _ = simulate(SIMS // 2, 28, 28, 0.0, seed=4, comparative=True)
    _, coverage = simulate(SIMS // 2, 28, 28, 0.15, seed=5, comparative=True)
    print(f"\ncomparative ITS: A/A rejection {rate:.3f}, coverage {coverage:.3f}")
    assert 0.03 <= rate <= 0.07 and 0.93 <= coverage <= 0.97
