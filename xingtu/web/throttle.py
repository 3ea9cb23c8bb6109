"""Failed sign-ins, counted where they come from, with growing delays (shared via web.sqlite).

Two counters per attempt: the account tried *from this client address*, and the client
address over all accounts. Nothing is counted per account alone, so nobody elsewhere can
lock a person out by typing wrong passwords for their account name: another address
starts with clean counters. After ``limit`` failures a counter makes its address wait
``base`` seconds, doubling with each further failure up to ``cap``; an hour without a
failure ends the burst. A success clears the account's counter at that address.

An attempt is counted *before* its password is checked (in one SQLite transaction), so a
flood of parallel requests cannot slip past the limit; a success takes it back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xingtu.web import state

QUIET = 3600.0  # seconds without a failure that end a burst (counters start again)


@dataclass(frozen=True)
class Rule:
    limit: int  # failures allowed without a wait
    base: float  # seconds of the first wait
    cap: float  # the longest wait

    def wait(self, count: int, last: float, now: float) -> int:
        """Seconds still to wait after ``count`` failures, the last at ``last`` (0: allowed)."""
        if count < self.limit:
            return 0
        delay = min(self.base * 2 ** min(count - self.limit, 30), self.cap)
        return max(0, math.ceil(last + delay - now))


PAIR = Rule(limit=5, base=30.0, cap=1800.0)  # one account from one address
ADDRESS = Rule(limit=20, base=60.0, cap=3600.0)  # every account from one address


@dataclass(frozen=True)
class Attempt:
    """The outcome of asking to try a password."""

    allowed: bool
    wait: int = 0  # seconds, when refused
    pair_count: int = 0  # failures (this one included) of the account at this address
    address_count: int = 0  # failures (this one included) at this address


def _keys(user: str, address: str) -> tuple[str, str]:
    return f"u:{user[:64]}|a:{address}", f"a:{address}"


def begin(user: str, address: str, now: float) -> Attempt:
    """Refused with a wait, or allowed and counted as a failure until ``succeeded`` says otherwise."""
    pair_key, address_key = _keys(user, address)
    with state.connect() as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            counts = {}
            waits = []
            for key, rule in ((pair_key, PAIR), (address_key, ADDRESS)):
                row = con.execute("SELECT count, last FROM failures WHERE key = ?", (key,)).fetchone()
                count, last = (0, 0.0) if row is None or now - row[1] > QUIET else row
                counts[key] = count
                waits.append(rule.wait(count, last, now))
            if max(waits) > 0:
                con.execute("COMMIT")
                return Attempt(False, max(waits), counts[pair_key], counts[address_key])
            for key, count in counts.items():
                con.execute(
                    "INSERT INTO failures (key, count, first, last) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET count = excluded.count, last = excluded.last, "
                    "first = CASE WHEN excluded.count = 1 THEN excluded.first ELSE failures.first END",
                    (key, count + 1, now, now),
                )
            con.execute("DELETE FROM failures WHERE last < ?", (now - QUIET - ADDRESS.cap,))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return Attempt(True, 0, counts[pair_key] + 1, counts[address_key] + 1)


def succeeded(user: str, address: str) -> int:
    """The password was right: the account's failures at this address are forgiven.

    Returns how many failures there had been before this success (for the sign-in's audit line).
    """
    pair_key, address_key = _keys(user, address)
    with state.connect() as con:
        con.execute("BEGIN IMMEDIATE")
        row = con.execute("SELECT count FROM failures WHERE key = ?", (pair_key,)).fetchone()
        con.execute("DELETE FROM failures WHERE key = ?", (pair_key,))
        con.execute("UPDATE failures SET count = MAX(count - 1, 0) WHERE key = ?", (address_key,))
        con.execute("COMMIT")
    return max((row[0] if row else 1) - 1, 0)


def audit_reasons(attempt: Attempt) -> list[str]:
    """The audit lines a failed attempt writes: one at the start of a burst and one per limit reached."""
    reasons = []
    if attempt.address_count == 1:
        reasons.append("password")  # the first failure from this address in a while
    if attempt.pair_count == PAIR.limit:
        reasons.append("throttled")
    if attempt.address_count == ADDRESS.limit:
        reasons.append("address_throttled")
    return reasons
