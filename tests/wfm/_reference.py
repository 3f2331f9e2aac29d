"""Independent high-precision references (mpmath) for the queue formulas, built from
first principles: the birth–death chain state by state, and for Erlang A the offered
wait of a caller with k ahead as a hypoexponential sum (partial fractions)."""

from __future__ import annotations

import mpmath as mp

mp.mp.dps = 80


def erlang_b(n: int, a: float) -> mp.mpf:
    a = mp.mpf(a)
    terms = [a**j / mp.factorial(j) for j in range(n + 1)]
    return terms[-1] / mp.fsum(terms)


def erlang_c(n: int, a: float, aht: float, t: float) -> dict[str, mp.mpf]:
    a, aht, t = mp.mpf(a), mp.mpf(aht), mp.mpf(t)
    head = mp.fsum(a**j / mp.factorial(j) for j in range(n))
    last = a**n / mp.factorial(n) * n / (n - a)
    c = last / (head + last)
    return {
        "waiting_probability": c,
        "service_level": 1 - c * mp.exp(-(n - a) * t / aht),
        "asa_s": c * aht / (n - a),
    }


def erlang_a(
    n: int, a: float, aht: float, patience: float, t: float, queue_cap: int = 400
) -> dict[str, mp.mpf]:
    """M/M/n+M by brute force: stationary chain truncated at n + queue_cap waiting."""
    a, aht, patience, t = mp.mpf(a), mp.mpf(aht), mp.mpf(patience), mp.mpf(t)
    mu, theta = 1 / aht, 1 / patience
    lam = a * mu
    weights = [mp.mpf(1)]
    for j in range(1, n + queue_cap + 1):
        death = min(j, n) * mu + max(j - n, 0) * theta
        weights.append(weights[-1] * lam / death)
    total = mp.fsum(weights)
    pi = [w / total for w in weights]
    wait = mp.fsum(pi[n:])
    answered_within = mp.fsum(pi[:n])
    abandoned_within = mp.mpf(0)
    answered = mp.fsum(pi[:n])
    answered_wait = mp.mpf(0)
    for k in range(queue_cap):
        rates = [n * mu + i * theta for i in range(k + 1)]
        coeffs = []
        for i, r in enumerate(rates):
            c = mp.mpf(1)
            for j, s in enumerate(rates):
                if j != i:
                    c *= s / (s - r)
            coeffs.append(c)
        # answered (patience outlasts V) within T: ∫_0^T e^{−θs} f(s) ds
        within = mp.fsum(
            c * r * (1 - mp.exp(-(r + theta) * t)) / (r + theta) for c, r in zip(coeffs, rates, strict=True)
        )
        ever = mp.fsum(c * r / (r + theta) for c, r in zip(coeffs, rates, strict=True))
        tail = mp.fsum(c * mp.exp(-r * t) for c, r in zip(coeffs, rates, strict=True))
        lt = mp.fprod(r / (r + theta) for r in rates)
        ve = lt * mp.fsum(1 / (r + theta) for r in rates)
        p = pi[n + k]
        answered_within += p * within
        answered += p * ever
        abandoned_within += p * (1 - within - mp.exp(-theta * t) * tail)
        answered_wait += p * ve
    return {
        "waiting_probability": wait,
        "service_level": answered_within,
        "service_level_excluding": answered_within / (1 - abandoned_within),
        "abandon_probability": 1 - answered,
        "asa_s": answered_wait / answered,
        "occupancy": a * answered / n,
    }
