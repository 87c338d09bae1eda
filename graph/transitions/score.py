"""A transition's score and its parts, for one role or many against every role, with sparse products.

The score is the weighted mean of the similarity parts both roles have data for (shared essential and
optional items of the target, ratings cosine, word cosines of tasks, tools, skills and titles), less
the penalties (credentials the target needs that the source lacks, an upward step in job zone). Each
part's contribution to the score is kept, so a bar can show what carried a transition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from graph.transitions.model import TEXT_SIGNALS, TransitionModel

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

SIMILARITY = ("essential", "optional", "ratings", *TEXT_SIGNALS)
PENALTIES = ("credentials", "step")
PARTS = (*SIMILARITY, *PENALTIES)
#: tuned on a development split of O*NET occupations (python -m benchmarks transitions); the evaluation
#: split is disjoint. Similarity weights are relative (the score is their weighted mean); penalties absolute.
WEIGHTS: dict[str, float] = {
    "essential": 1.0,  # by hand: O*NET's tasks are its own, so shared items cannot be tuned on it
    "optional": 0.5,  # by hand (tuning on O*NET alone drives it to 0: its optional items are tools)
    "ratings": 0.5,
    "tasks": 1.5,
    "tools": 0.5,
    "skills": 1.0,  # by hand: O*NET has no ESCO skills
    "titles": 2.0,
    "credentials": 0.1,
    "step_up": 0.02,
    "step_down": 0.0,
}
#: missing credentials counted at most this many times in the penalty
CREDENTIAL_CAP = 3


def learned_rows(
    model: TransitionModel, sources: Sequence[int], learned: Iterable[str] = ()
) -> sparse.csr_matrix:
    """The sources' item rows (0/1), with the learned items added to every one of them."""
    import numpy as np
    from scipy import sparse

    rows = model.presence[list(sources)]
    cols = sorted({model.item_position[i] for i in learned if i in model.item_position})
    if not cols:
        return sparse.csr_matrix(rows)
    extra = sparse.csr_matrix(
        (
            np.ones(len(sources) * len(cols)),
            (np.repeat(np.arange(len(sources)), len(cols)), cols * len(sources)),
        ),
        shape=rows.shape,
    )
    both = (rows + extra).tocsr()
    both.data[:] = 1.0
    return both


def raw_parts(
    model: TransitionModel, sources: Sequence[int], have: sparse.csr_matrix
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each part's raw value for sources x every role, and where both roles have data for it."""
    import numpy as np

    src = list(sources)
    # role matrix @ the sources' columns: a sparse product per matrix with no transpose of the big one
    # (CSR x a few columns), which keeps one role against 4,000 within milliseconds
    one = len(src) == 1  # one role: matrix x dense vector (no sparse-product bookkeeping)
    cols = have.toarray()[0] if one else have.T.tocsc()

    def against(m: sparse.csr_matrix, right=cols) -> np.ndarray:
        return (m @ right)[None, :] if one else (m @ right).toarray().T

    n_ess, n_opt, needed = model.counts
    covered_ess = against(model.essential)
    covered_opt = against(model.presence) - covered_ess
    with np.errstate(divide="ignore", invalid="ignore"):
        values = {
            "essential": np.where(n_ess > 0, covered_ess / n_ess, 0.0),
            "optional": np.where(n_opt > 0, covered_opt / n_opt, 0.0),
        }
    avail = {
        "essential": np.broadcast_to(n_ess > 0, values["essential"].shape),
        "optional": np.broadcast_to(n_opt > 0, values["optional"].shape),
    }
    rated = model.rated
    values["ratings"] = model.ratings[src] @ model.ratings.T
    avail["ratings"] = rated[src][:, None] & rated[None, :]
    for signal, m in model.text.items():
        words = model.worded[signal]
        values[signal] = against(m, m[src].toarray()[0] if one else m[src].T.tocsc())
        avail[signal] = words[src][:, None] & words[None, :]
    values["credentials"] = needed[None, :] - against(model.credentials)
    step = model.zone[None, :] - model.zone[src][:, None]
    values["step"] = np.nan_to_num(step, nan=0.0)
    avail["step"] = ~np.isnan(step)
    return values, avail


def contributions(
    values: Mapping[str, np.ndarray], avail: Mapping[str, np.ndarray], weights: Mapping[str, float] = WEIGHTS
) -> dict[str, np.ndarray]:
    """Each part's share of the score: similarity parts sum to the weighted mean, penalties are negative."""
    import numpy as np

    denom = sum(weights[k] * avail[k] for k in SIMILARITY)
    denom = np.where(denom > 0, denom, 1.0)
    out = {k: weights[k] * np.where(avail[k], values[k], 0.0) / denom for k in SIMILARITY}
    out["credentials"] = 0.0 - weights["credentials"] * np.minimum(values["credentials"], CREDENTIAL_CAP)
    step = values["step"]
    out["step"] = 0.0 - (
        weights["step_up"] * np.maximum(step, 0) + weights["step_down"] * np.maximum(-step, 0)
    )
    return out


def total(parts: Mapping[str, np.ndarray]) -> np.ndarray:
    """The score: the sum of the parts' contributions."""
    return sum(parts[k] for k in PARTS)


def order(score: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Role positions by score, best first, ties by IRI (the model's role order); only allowed roles.

    >>> import numpy as np
    >>> order(np.array([0.5, 0.7, 0.5, 0.9]), np.array([True, True, True, False])).tolist()
    [1, 0, 2]
    """
    import numpy as np

    idx = np.flatnonzero(allowed)
    keys = np.round(score[idx], 12)
    return idx[np.lexsort((idx, -keys))]
