"""Customers behind the contacts, and what they say in surveys. Pure.

Arrivals are made without identities; identities are given after the simulation, when
it is known how each contact went. A handled contact is followed by another contact of
the same customer (a repeat, so not first-contact resolution) with a chance that
depends on its disposition; an abandoned caller usually tries again soon. The repeat
is the first unclaimed arrival at the drawn time, preferably on the same channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from floorwalker.demo._legs import Legs
from floorwalker.demo._queues import (
    REPEAT_SHARE_BY_DISPOSITION,
    REPEAT_SHARE_DEFAULT,
    QueueProfile,
)
from floorwalker.sim.floor import ABANDONED, ANSWERED, TIMEOUT

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

CUSTOMER_POOL = 2_000_000  # customer base the contacts draw from
FCR_WINDOW_S = 7 * 86400
WITHHELD_SHARE = 0.03  # fraction 0–1 of callers with no caller id: customer unknown
SAME_CHANNEL_SHARE = 0.8  # repeats mostly come back on the channel they used
RESPONSE_SHARE = {"voice": 0.14, "chat": 0.2, "email": 0.12}
NPS_SHARE = 0.45  # of survey respondents, the fraction who also answer the NPS question
COMMENT_SHARE = 0.3


@dataclass(frozen=True)
class Customers:
    key: I64  # customer number per leg, -1 = unknown
    repeat_of: I64  # earlier leg of the same customer this leg repeats, -1 for none


def assign_customers(
    rng: np.random.Generator,
    profiles: tuple[QueueProfile, ...],
    legs: Legs,
    arrival_s: I64,
    outcome: I64,
    done: B,
    end_s: int,
) -> Customers:
    """Customer numbers for the finished legs, with repeat behaviour (see module doc)."""
    n = legs.queue.shape[0]
    channel_of: npt.NDArray[np.str_] = np.asarray([p.channel for p in profiles])[legs.queue]
    width = max(len(p.dispositions) for p in profiles)
    by_disposition = np.full((len(profiles), width), REPEAT_SHARE_DEFAULT)
    for q, p in enumerate(profiles):
        for d, (name, _) in enumerate(p.dispositions):
            by_disposition[q, d] = REPEAT_SHARE_BY_DISPOSITION.get(name, REPEAT_SHARE_DEFAULT)
    share = np.zeros(n)
    answered = done & (outcome == ANSWERED)
    share[answered] = by_disposition[legs.queue[answered], legs.draws.disposition[answered]]
    share[done & (outcome == ABANDONED)] = 0.5
    share[done & (outcome == TIMEOUT)] = 0.6
    flagged = rng.random(n) < share
    soon = (outcome == ABANDONED) | (outcome == TIMEOUT)
    delay = np.where(
        soon,
        np.clip(rng.lognormal(np.log(1500.0), 1.2, n), 30.0, 2 * 86400.0),
        np.clip(rng.lognormal(np.log(1.2 * 86400), 1.0, n), 600.0, FCR_WINDOW_S - 60.0),
    ).astype(np.int64)
    same_channel: B = np.less(rng.random(n), SAME_CHANNEL_SHARE)

    # Candidates to be a repeat: finished first legs (transfer legs belong to their parent).
    candidate = done & (legs.parent < 0)
    pools: dict[str, tuple[I64, I64]] = {}
    for ch in (*sorted(set(channel_of.tolist())), "*"):
        idx = np.flatnonzero(candidate & (np.equal(channel_of, ch) | (ch == "*")))
        idx = idx[np.argsort(arrival_s[idx], kind="stable")]
        pools[ch] = (arrival_s[idx], idx)
    claimed = np.zeros(n, dtype=bool)
    repeat_of = np.full(n, -1, dtype=np.int64)
    parents = np.flatnonzero(flagged & done)
    parents = parents[np.argsort(arrival_s[parents], kind="stable")]
    for j in parents.tolist():
        target = int(arrival_s[j] + delay[j])
        if target > end_s:
            continue
        times, idx = pools[str(channel_of[j]) if same_channel[j] else "*"]
        k = int(np.searchsorted(times, target))
        while k < times.shape[0] and (claimed[idx[k]] or idx[k] == j):
            k += 1
        if k == times.shape[0] or times[k] - arrival_s[j] > FCR_WINDOW_S:
            continue
        claimed[idx[k]] = True
        repeat_of[idx[k]] = j

    has_repeat = np.zeros(n, dtype=bool)
    has_repeat[repeat_of[repeat_of >= 0]] = True
    withheld: B = np.equal(channel_of, "voice") & np.less(rng.random(n), WITHHELD_SHARE) & ~has_repeat
    fresh: I64 = np.asarray(rng.integers(0, CUSTOMER_POOL, n), dtype=np.int64)
    # Each leg belongs to the customer of the first leg of its chain (transfer legs follow
    # their parent, repeats the contact they repeat): find chain roots by pointer doubling.
    root: I64 = np.where(legs.parent >= 0, legs.parent, repeat_of)
    root = np.where(root >= 0, root, np.arange(n))
    while True:
        hop = root[root]
        if (hop == root).all():
            break
        root = hop
    key = np.where(withheld[root] | ~done, -1, fresh[root]).astype(np.int64)
    return Customers(key=key, repeat_of=repeat_of)


@dataclass(frozen=True)
class Surveys:
    """Survey rows: one per answer (a CSAT answer, and for some an NPS answer)."""

    leg: I64
    kind: list[str]
    score: F64
    scale_min: I64
    scale_max: I64
    comment: list[str | None]
    responded_s: I64


_PRAISE = (
    "Really helpful, sorted it first time.",
    "Quick and friendly, thank you.",
    "The agent knew exactly what to do.",
    "Very patient with me, explained everything clearly.",
    "Easy, no fuss. Thanks!",
    "Lovely person to deal with.",
    "Fixed in a few minutes, great service.",
    "Clear answer and a follow-up email straight away.",
)
_NEUTRAL = (
    "Got there in the end.",
    "OK, but it took a while.",
    "Fine, nothing special.",
    "Answer was fine but I had to repeat my details twice.",
    "Helpful enough, hold music is awful though.",
    "Not sure the issue is fully resolved yet.",
)
_COMPLAINT = (
    "Still not fixed.",
    "The agent couldn't answer my question.",
    "Was passed between departments.",
    "Nobody called me back as promised.",
    "Felt like nobody was listening.",
    "Very disappointed with how this was handled.",
)
_LONG_WAIT = (
    "Waited far too long to get through.",
    "Ages in the queue before anyone answered.",
    "Good once I got through, but the wait was long.",
)
_CALLED_BACK = (
    "Had to contact you again about the same problem.",
    "Second time I've been in touch about this.",
    "Why do I have to chase this every time?",
)


def draw_surveys(
    rng: np.random.Generator,
    profiles: tuple[QueueProfile, ...],
    legs: Legs,
    wait_s: I64,
    outcome: I64,
    proficiency: I64,
    ended_s: I64,
    done: B,
    customers: Customers,
    end_s: int,
) -> Surveys:
    """Survey answers for answered legs. Scores fall with long waits, with having had to
    come back (a repeat), and with complaints; skilled agents lift them a little."""
    channel = np.asarray([p.channel for p in profiles])[legs.queue]
    names = [[name for name, _ in p.dispositions] for p in profiles]
    # A transferred leg is surveyed through the leg it was transferred to.
    eligible = done & (outcome == ANSWERED)
    chance = np.zeros(legs.queue.shape[0])
    for ch, share in RESPONSE_SHARE.items():
        chance[channel == ch] = share
    legs_taken = np.flatnonzero(eligible & (rng.random(chance.shape[0]) < chance))
    m = legs_taken.shape[0]
    wait = wait_s[legs_taken].astype(np.float64)
    is_email = channel[legs_taken] == "email"
    wait_penalty = np.where(
        is_email,
        0.03 * np.clip(wait / 3600.0 - 4.0, 0.0, 44.0),
        0.0045 * np.clip(wait - 10.0, 0.0, 400.0),
    )
    disposition = [
        names[q][d]
        for q, d in zip(
            legs.queue[legs_taken].tolist(), legs.draws.disposition[legs_taken].tolist(), strict=True
        )
    ]
    mood = np.asarray(
        [
            -1.3
            if d == "complaint"
            else -0.35
            if d in ("technical fault", "outage enquiry")
            else 0.2
            if d in ("order placed", "refund issued", "password reset")
            else 0.0
            for d in disposition
        ]
    )
    repeat = customers.repeat_of[legs_taken] >= 0
    latent = (
        4.35
        - wait_penalty
        - 0.55 * repeat
        + mood
        + 0.12 * (proficiency[legs_taken] - 3)
        + rng.normal(0.0, 0.85, m)
    )
    csat = np.clip(np.round(latent), 1, 5)
    nps = np.clip(np.round(2.1 * latent - 0.4 + rng.normal(0.0, 1.1, m)), 0, 10)
    answers_nps = rng.random(m) < NPS_SHARE
    delay = np.clip(rng.lognormal(np.log(1500.0), 1.3, m), 60.0, 3 * 86400.0).astype(np.int64)
    responded = ended_s[legs_taken] + delay
    wants_comment = rng.random(m) < COMMENT_SHARE
    pick = rng.random(m)

    out_leg: list[int] = []
    out_kind: list[str] = []
    out_score: list[float] = []
    out_comment: list[str | None] = []
    out_time: list[int] = []
    for k in range(m):
        if responded[k] > end_s:
            continue
        comment: str | None = None
        pool: tuple[str, ...]
        if wants_comment[k]:
            score = csat[k]
            if score <= 3 and repeat[k]:
                pool = _CALLED_BACK
            elif score <= 3 and wait_penalty[k] > 0.5:
                pool = _LONG_WAIT
            elif score <= 2:
                pool = _COMPLAINT
            elif score == 3:
                pool = _NEUTRAL
            else:
                pool = _PRAISE
            comment = pool[int(pick[k] * len(pool))]
        leg = int(legs_taken[k])
        out_leg.append(leg)
        out_kind.append("csat")
        out_score.append(float(csat[k]))
        out_comment.append(comment)
        out_time.append(int(responded[k]))
        if answers_nps[k]:
            out_leg.append(leg)
            out_kind.append("nps")
            out_score.append(float(nps[k]))
            out_comment.append(None)
            out_time.append(int(responded[k]))
    csat_rows = np.asarray([kind == "csat" for kind in out_kind], dtype=bool)
    return Surveys(
        leg=np.asarray(out_leg, dtype=np.int64),
        kind=out_kind,
        score=np.asarray(out_score, dtype=np.float64),
        scale_min=np.where(csat_rows, 1, 0).astype(np.int64),
        scale_max=np.where(csat_rows, 5, 10).astype(np.int64),
        comment=out_comment,
        responded_s=np.asarray(out_time, dtype=np.int64),
    )
