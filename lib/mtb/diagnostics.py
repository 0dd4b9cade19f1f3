"""Looking inside trained nets: which inputs they use, what the hidden layer encodes, how
the tasks' gradients meet at the hidden layer, and what shape their learning curves have.

A net is given as its (W [out, in], b [out, 1]) per layer, as in
`NetResult.snapshots[k]` (the net at task k's peak) or `Stack.net_weights(i)`;
patterns are rows of X. Everything is plain numpy: these run on a handful of
nets after training, not inside the trainer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Weights = Sequence[tuple[np.ndarray, np.ndarray]]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def activations(weights: Weights, X: np.ndarray, output: str = "sigmoid") -> list[np.ndarray]:
    """Every layer's activations [patterns, units], inputs first, outputs last."""
    acts = [np.asarray(X, dtype=np.float64)]
    for l, (W, b) in enumerate(weights):
        z = acts[-1] @ np.asarray(W, np.float64).T + np.asarray(b, np.float64).ravel()
        last = l == len(weights) - 1
        acts.append(z if last and output == "linear" else _sigmoid(z))
    return acts


def hidden(weights: Weights, X: np.ndarray, layer: int = 1) -> np.ndarray:
    """Activations [patterns, units] of hidden layer `layer` (1 = the first)."""
    if not 1 <= layer < len(weights):
        raise ValueError(f"layer must be a hidden layer, 1..{len(weights) - 1}, got {layer}")
    return activations(weights, X)[layer]


def input_relevance(weights: Weights, relevant: Sequence[int]) -> float:
    """Size of the input-to-hidden weights from the relevant inputs relative to the others:
    mean over relevant inputs of the L2 norm of an input's outgoing weights, divided by the
    same mean over the irrelevant inputs. 1 means no selection; the paper detects attribute
    selection as this ratio growing when more tasks share the net."""
    W = np.asarray(weights[0][0], np.float64)
    norms = np.sqrt((W ** 2).sum(0))
    rel = np.zeros(W.shape[1], bool)
    rel[list(relevant)] = True
    if rel.all() or not rel.any():
        raise ValueError("need at least one relevant and one irrelevant input")
    return float(norms[rel].mean() / norms[~rel].mean())


def input_sensitivity(weights: Weights, X: np.ndarray, output: int = 0,
                      kind: str = "sigmoid") -> np.ndarray:
    """Mean absolute derivative of output `output` with respect to each input over the
    patterns X: [inputs]. Unlike weight sizes it counts only paths that reach the output."""
    acts = activations(weights, X, kind)
    y = acts[-1][:, output]
    # d out / d pre-activation of the output layer, then back through the layers
    g = (y * (1 - y) if kind == "sigmoid" else np.ones_like(y))[:, None]
    g = g * np.asarray(weights[-1][0], np.float64)[output][None, :]  # [patterns, units below]
    for l in range(len(weights) - 2, -1, -1):
        a = acts[l + 1]
        g = (g * a * (1 - a)) @ np.asarray(weights[l][0], np.float64)
    return np.abs(g).mean(0)


def linear_probe(H_fit: np.ndarray, y_fit: np.ndarray, H_eval: np.ndarray,
                 y_eval: np.ndarray, ridge: float = 1e-3) -> float:
    """How well a linear read-out of hidden activations recovers a feature y.

    Least squares (with a small ridge) fitted on (H_fit, y_fit), scored on
    (H_eval, y_eval): accuracy of the thresholded read-out when y is 0/1,
    else R^2. Fit and score on different patterns, so a probe cannot memorise.
    """
    H_fit, H_eval = np.asarray(H_fit, np.float64), np.asarray(H_eval, np.float64)
    y_fit, y_eval = np.asarray(y_fit, np.float64), np.asarray(y_eval, np.float64)
    A = np.column_stack([H_fit, np.ones(len(H_fit))])
    coef = np.linalg.solve(A.T @ A + ridge * np.eye(A.shape[1]), A.T @ y_fit)
    pred = np.column_stack([H_eval, np.ones(len(H_eval))]) @ coef
    if np.isin(y_eval, (0.0, 1.0)).all() and np.isin(y_fit, (0.0, 1.0)).all():
        return float(((pred > 0.5) == (y_eval > 0.5)).mean())
    return float(1 - ((pred - y_eval) ** 2).sum() / ((y_eval - y_eval.mean()) ** 2).sum())


def task_gradients(weights: Weights, X: np.ndarray, Y: np.ndarray,
                   mask: np.ndarray | None = None) -> np.ndarray:
    """Each task's gradient of the squared error with respect to the input-to-hidden
    weights, flattened: [tasks, hidden * inputs]. Sigmoid outputs; one row per output."""
    acts = activations(weights, X)
    Y = np.asarray(Y, np.float64)
    M = np.ones_like(Y) if mask is None else np.asarray(mask, np.float64)
    out = acts[-1]
    grads = []
    for k in range(out.shape[1]):
        d = np.zeros_like(out)
        d[:, k] = (out[:, k] - Y[:, k]) * M[:, k] * out[:, k] * (1 - out[:, k]) / len(X)
        for l in range(len(weights) - 1, 0, -1):
            a = acts[l]
            d = (d @ np.asarray(weights[l][0], np.float64)) * a * (1 - a)
        grads.append((d.T @ acts[0]).ravel())
    return np.array(grads)


def gradient_alignment(weights: Weights, X: np.ndarray, Y: np.ndarray,
                       mask: np.ndarray | None = None) -> np.ndarray:
    """Cosine between the tasks' input-to-hidden gradients: [tasks, tasks]. Positive:
    the tasks pull the shared hidden layer the same way (their gradients add up)."""
    G = task_gradients(weights, X, Y, mask)
    n = np.linalg.norm(G, axis=1)
    n[n == 0] = 1.0
    G = G / n[:, None]
    return G @ G.T


def follows(outputs: np.ndarray, cues: dict[str, np.ndarray]) -> tuple[str, dict[str, float]]:
    """Which cue a net's outputs follow on probe patterns where the cues disagree.

    `cues` maps a name to each pattern's cue value (its sign is what the cue says).
    Returns the cue whose sign the thresholded outputs agree with most often, and
    every cue's agreement (0.5 = chance). This is how a trained net's minimum is read.
    """
    if not cues:
        raise ValueError("give at least one cue")
    said = np.asarray(outputs) > 0.5
    agree = {name: float((said == (np.asarray(c) > 0)).mean()) for name, c in cues.items()}
    return max(agree, key=agree.get), agree


def nonmonotonic(curve: np.ndarray, rise: float = 0.02) -> bool:
    """True if a learning curve overtrains and then recovers below its earlier best.

    The curve (e.g. halt-set RMSE per evaluation) must rise more than `rise`
    (relative) above its running minimum m, and later fall more than `rise` below
    m: the paper's eavesdropper that "begins to overtrain, but then finds something
    useful learned by another task". A curve that only wiggles within `rise` is not
    counted.
    """
    c = np.asarray(curve, np.float64)
    best, armed_at = np.inf, None
    for v in c:
        if armed_at is not None and v < (1 - rise) * armed_at:
            return True
        if v < best:
            best = v
        elif armed_at is None and v > (1 + rise) * best:
            armed_at = best
    return False
