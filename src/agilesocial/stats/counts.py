"""Counts with exposure (e.g. clicks per post with impressions as exposure): Poisson or negative-binomial GLM.

Model: ``log E[y] = b0 + b1·variant + log(exposure)``; ``exp(b1)`` is the rate ratio. With ``family="auto"`` the
Poisson fit is checked for overdispersion with the Cameron & Trivedi (1990) auxiliary regression
``((y-μ)² - y)/μ = a·μ + e`` (one-sided t test of a > 0 at 5 %); when overdispersed, a negative-binomial (NB2)
model with maximum-likelihood dispersion is fitted instead. Wald tests and CIs on b1; absolute values are the
fitted rates per unit of exposure with a delta-method CI for their difference.
"""

from __future__ import annotations

import math
import warnings as pywarnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import stats as sps

from agilesocial.stats.result import (
    DEFAULT_MIN_N,
    TestResult,
    empty_result,
    one_side,
    sided_crit,
    sided_p,
    small_n_warnings,
)
from agilesocial.stats.sufficient import Alternative, as_array, check_alpha, check_alternative, check_positive_int

OVERDISPERSION_ALPHA = 0.05


def overdispersion_test(y: np.ndarray, mu: np.ndarray) -> tuple[float, float]:
    """Cameron-Trivedi test of Poisson equidispersion against NB2: returns (t statistic, one-sided p)."""
    aux = ((y - mu) ** 2 - y) / mu
    sxx = float(np.dot(mu, mu))
    a = float(np.dot(mu, aux)) / sxx
    resid = aux - a * mu
    dof = y.size - 1
    if dof <= 0:
        return 0.0, 1.0
    s2 = float(np.dot(resid, resid)) / dof
    if s2 <= 0:
        return (math.inf, 0.0) if a > 0 else (0.0, 1.0)
    t = a / math.sqrt(s2 / sxx)
    return t, float(sps.t.sf(t, dof))


def _arms(counts: Sequence[float], exposure: Sequence[float], label: str, warnings: list[str]) -> tuple:
    y, e = as_array(counts, f"{label}_counts"), as_array(exposure, f"{label}_exposure")
    if y.shape != e.shape:
        raise ValueError(f"{label}_counts has {y.size} values but {label}_exposure has {e.size}")
    if np.any(y < 0) or np.any(e < 0):
        raise ValueError(f"{label} counts and exposures must be >= 0")
    keep = e > 0
    if not np.all(keep):
        warnings.append(f"{int((~keep).sum())} {label} post(s) have zero exposure and were left out")
    return y[keep], e[keep]


def _irls(y: np.ndarray, design: np.ndarray, offset: np.ndarray, theta: float, beta: np.ndarray) -> np.ndarray:
    """Coefficients of the log-link NB2 GLM at fixed ``theta`` by iteratively reweighted least squares."""
    for _ in range(100):
        mu = np.exp(design @ beta + offset)
        w = mu / (1.0 + mu / theta)
        z = design @ beta + (y - mu) / mu
        new = np.linalg.solve(design.T @ (design * w[:, None]), design.T @ (w * z))
        if np.max(np.abs(new - beta)) < 1e-13 * (1.0 + np.max(np.abs(beta))):
            return new
        beta = new
    return beta


def _nb_loglik(y: np.ndarray, mu: np.ndarray, theta: float) -> float:
    from scipy.special import gammaln

    return float(
        np.sum(
            gammaln(y + theta)
            - gammaln(theta)
            - gammaln(y + 1)
            + theta * np.log(theta / (theta + mu))
            + y * np.log(mu / (theta + mu))
        )
    )


def _theta_score(y: np.ndarray, mu: np.ndarray, theta: float) -> float:
    """d loglik / d theta at fixed mu (equal to the profile likelihood's derivative, beta being at its optimum)."""
    from scipy.special import digamma

    return float(
        np.sum(
            digamma(y + theta) - digamma(theta) + math.log(theta) + 1 - np.log(theta + mu) - (y + theta) / (theta + mu)
        )
    )


def _polish(y: np.ndarray, design: np.ndarray, offset: np.ndarray, log_theta: float, beta: np.ndarray) -> float:
    """Refine the maximiser to machine precision as a root of the profile score (the minimiser stops at ~1e-8)."""
    from scipy import optimize

    def score(lt: float) -> float:
        theta = math.exp(lt)
        b = _irls(y, design, offset, theta, beta)
        return _theta_score(y, np.exp(design @ b + offset), theta)

    lo, hi = log_theta - 0.05, log_theta + 0.05
    if score(lo) > 0 > score(hi):
        return float(optimize.brentq(score, lo, hi, xtol=1e-15, rtol=1e-15))
    return log_theta


NB_LOG_THETA_MAX = 20.0  # theta above e^20 (dispersion below 2e-9) is a Poisson model
NB_LOG_THETA_FLAT = 5.0  # the profile likelihood is flat to rounding there: a maximiser above e^15 is the boundary


def _fit_negbin(
    y: np.ndarray, n_control: int, exposure: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """NB2 fit of intercept + variant dummy with log(exposure) offset, as R's ``MASS::glm.nb``: maximum likelihood
    for (beta, theta), then the standard errors ``summary(glm.nb)`` reports, from the expected information of beta
    at the fitted theta, ``(X' W X)^-1`` with ``W = mu / (1 + mu / theta)`` (theta treated as known).

    Returns (params[:2], cov[:2, :2], dispersion = 1/theta), or None when the dispersion collapses to 0 (the
    likelihood keeps rising towards the Poisson model).
    """
    from scipy import optimize

    design = np.column_stack([np.ones(y.size), np.r_[np.zeros(n_control), np.ones(y.size - n_control)]])
    offset = np.log(exposure)
    beta = np.asarray(start, dtype=float)

    def profile(log_theta: float) -> float:
        nonlocal beta
        theta = math.exp(log_theta)
        beta = _irls(y, design, offset, theta, beta)
        return -_nb_loglik(y, np.exp(design @ beta + offset), theta)

    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            best = optimize.minimize_scalar(
                profile, bounds=(-10.0, NB_LOG_THETA_MAX), method="bounded", options={"xatol": 1e-12, "maxiter": 500}
            )
            log_theta = float(best.x)
            if not best.success or log_theta > NB_LOG_THETA_MAX - NB_LOG_THETA_FLAT:
                return None
            log_theta = _polish(y, design, offset, log_theta, beta)
            theta = math.exp(log_theta)
            beta = _irls(y, design, offset, theta, beta)
            mu = np.exp(design @ beta + offset)
            w = mu / (1.0 + mu / theta)
            cov = np.linalg.inv(design.T @ (design * w[:, None]))
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        return None
    if not (np.all(np.isfinite(beta)) and np.all(np.isfinite(cov))):
        return None
    return beta, cov, 1.0 / theta


def count_glm(
    control_counts: Sequence[float],
    control_exposure: Sequence[float],
    variant_counts: Sequence[float],
    variant_exposure: Sequence[float],
    *,
    family: Literal["auto", "poisson", "negbin"] = "auto",
    alpha: float = 0.05,
    min_n: int = DEFAULT_MIN_N,
    alternative: Alternative = "two-sided",
) -> TestResult:
    """Rate comparison by a GLM with log(exposure) offset; ``method`` says which family was used.

    ``alternative`` greater / less gives the one-sided Wald p-value and one-sided intervals (as R's
    ``pnorm(z, lower.tail = FALSE)`` on the coefficient of ``summary(glm)``).

    ``statistic`` is the Wald z of the variant coefficient; ``df`` is None.
    """
    alpha = check_alpha(alpha)
    alternative = check_alternative(alternative)
    min_n = check_positive_int(min_n, "min_n")
    if family not in ("auto", "poisson", "negbin"):
        raise ValueError(f"family == {family!r}, must be one of 'auto', 'poisson', 'negbin'")
    warnings: list[str] = []
    yc, ec = _arms(control_counts, control_exposure, "control", warnings)
    yv, ev = _arms(variant_counts, variant_exposure, "variant", warnings)
    warnings += small_n_warnings(yc.size, yv.size, min_n)
    method = "negbin" if family == "negbin" else "poisson"
    rc = float(yc.sum() / ec.sum()) if yc.size else None
    rv = float(yv.sum() / ev.sum()) if yv.size else None
    for label, arr in (("control", yc), ("variant", yv)):
        if arr.size == 0:
            return empty_result(
                method, f"the {label} has no posts with exposure", control_value=rc, variant_value=rv, warnings=warnings
            )
    for label, arr in (("control", yc), ("variant", yv)):
        if arr.sum() == 0:
            return empty_result(
                method,
                f"the {label} has no events at all, so the rate ratio cannot be estimated",
                control_value=rc,
                variant_value=rv,
                warnings=warnings,
            )
    y = np.concatenate([yc, yv])
    # Poisson MLE for intercept + group dummy with offset is closed form: each group's rate is Σy/Σexposure,
    # and the Fisher information gives Var(b0) = 1/Σy_c, Var(b1) = 1/Σy_c + 1/Σy_v, Cov = -1/Σy_c.
    sc, sv = float(yc.sum()), float(yv.sum())
    params = np.array([math.log(rc), math.log(rv) - math.log(rc)])  # type: ignore[arg-type]
    cov = np.array([[1 / sc, -1 / sc], [-1 / sc, 1 / sc + 1 / sv]])
    mu = np.concatenate([ec * rc, ev * rv])
    _, p_od = overdispersion_test(y, mu)
    overdispersed = p_od < OVERDISPERSION_ALPHA
    if family == "auto" and overdispersed:
        method = "negbin"
    if family == "poisson" and overdispersed:
        warnings.append("counts vary more than a Poisson model allows, so its p-value is too small; use method: negbin")
    dispersion = None
    if method == "negbin":
        fitted = _fit_negbin(y, yc.size, np.concatenate([ec, ev]), params)
        if fitted is None and not overdispersed:
            # NB2's dispersion sits at its boundary 0 (no extra variation): the model is the Poisson one
            method = "poisson"
            warnings.append("the counts show no overdispersion, so the Poisson model was used instead of negbin")
        elif fitted is None:
            return empty_result(
                method,
                "the negative-binomial model could not be fitted to these counts",
                control_value=rc,
                variant_value=rv,
                warnings=warnings,
            )
        else:
            params, cov, dispersion = fitted
    b0, b1 = float(params[0]), float(params[1])
    se1 = math.sqrt(max(cov[1, 1], 0.0))
    if not math.isfinite(se1) or se1 == 0:
        return empty_result(
            method, f"the {method} model gave no standard error", control_value=rc, variant_value=rv, warnings=warnings
        )
    crit = sided_crit(alpha, alternative)
    z = b1 / se1
    p = sided_p(z, alternative)
    cval, vval = math.exp(b0), math.exp(b0 + b1)
    grad = np.array([vval - cval, vval])  # d(vval - cval)/d(b0, b1)
    se_abs = math.sqrt(max(float(grad @ cov @ grad), 0.0))
    diff = vval - cval
    rel = math.exp(b1) - 1
    rel_ci = one_side((math.exp(b1 - crit * se1) - 1, math.exp(b1 + crit * se1) - 1), alternative)
    if alternative == "less":
        rel_ci = (-1.0, rel_ci[1])  # a rate ratio is never below 0
    if method == "negbin" and family == "auto":
        warnings.append(
            f"counts vary more than a Poisson model allows (dispersion {dispersion:.3g}); "
            "a negative-binomial model was used"
        )
    return TestResult(
        method,
        cval,
        vval,
        diff,
        one_side((diff - crit * se_abs, diff + crit * se_abs), alternative),
        rel,
        rel_ci,
        p,
        warnings=tuple(warnings),
        statistic=z,
        alternative=alternative,
    )
