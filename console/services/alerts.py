"""Spike alerts: a sudden jump of the negative share of a category's tickets (or of all
tickets) above its own recent baseline, found on a time-ordered stream of scored tickets.

The method, per category and for ``"all"``:

* **Window.** The tickets created in the last ``window_hours`` (a sliding window that moves
  with each ticket). Its negative share ``k / n`` is what is watched.
* **Baseline.** An exponentially weighted count of the negative and of all tickets that have
  *left* the window (weights halve every ``baseline_half_life_hours``). Feeding it only what
  left the window keeps an incident from raising its own baseline while it is being judged,
  and the weighted total is the baseline's effective sample size: how much it is to be
  trusted.
* **Test.** Under "nothing changed", the window's negatives follow a beta-binomial law: ``n``
  draws whose negative rate is uncertain as a Beta(negatives + ½, others + ½) of the baseline's
  weighted counts. The one-sided p-value ``P(K ≥ k)`` must be at most ``significance``
  (``overall_significance`` for all tickets together, see below). A plain
  binomial test against the baseline's point estimate would be over-confident exactly when
  the baseline is thin (a quiet category, a fresh store), which is where false alarms come
  from; the beta-binomial widens the null by the baseline's own variance and converges to the
  binomial test once the baseline is large. A z-test on the EWMA share would need normal
  counts, which windows of a dozen tickets are not.
* **The overall series is held to a stricter level.** It is tested on every negative ticket
  at any hour, several times as often as any one category, and its windows are big enough
  that the tail probability is nearly continuous, so at one per-test level it raises far
  more false alarms: on 40 generated 30-day streams (scripts/make_alerts_replay.py
  ``--streams``), at 1e-3 the categories raised 1 false alert and the overall series 28; the
  overall series needed 1e-5 to raise none. An incident confined to one category shows in
  that category first anyway; the overall alert is for incidents spread over categories,
  which move its share on many more tickets.
* **Guards.** A window with fewer than ``min_volume`` tickets never alerts (three angry tickets
  at night are no spike), nor does a baseline with less than that much weight (nothing to
  compare with yet), nor a share less than ``min_lift`` above the baseline (a significant but
  tiny rise on a busy day is not worth a supervisor's attention).
* **Cool-down.** Once a category alerts it stays quiet for ``cooldown_hours``, so one
  incident raises one alert rather than one per negative ticket while it lasts.

A window is judged only when a negative ticket arrives: only then can its share rise. An
alert's time is that ticket's creation time (when the alert would have fired live).

Thread: :func:`check_alerts` and :func:`acknowledge_alert` run on the database worker; the
detector runs anywhere (the command line replays files through it in the caller's thread).
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from console.services.accounts import Account, require_supervisor, still_supervisor
from console.services.flags import ALERTS, load_section
from console.store import AlertRecord, SpikeAlert, StreamTicket, TicketStore, iso_time
from inference import SentideskError

log = logging.getLogger(__name__)

#: The category of the alert on all tickets together.
ALL = "all"
#: What acknowledging is called in refusals.
ACKNOWLEDGING = "acknowledging an alert"
_HOUR = 3600.0
#: Live checks read this many baseline half-lives of history before the window: older
#: tickets weigh less than 1/16 in the baseline.
_HISTORY_HALF_LIVES = 4


class AlertError(SentideskError):
    """An alert that cannot be acknowledged (unknown, or acknowledged already)."""


@dataclass(frozen=True)
class AlertSettings:
    """The ``[alerts]`` section of the settings file (see the module docstring)."""

    enabled: bool
    window_hours: float
    baseline_half_life_hours: float
    min_volume: int
    significance: float
    overall_significance: float
    min_lift: float
    cooldown_hours: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def load_alert_settings(root: Path | None) -> AlertSettings:
    """The alert settings of the data directory ``root``: the ``[alerts]`` section of its
    ``flags.toml`` over the shipped defaults, checked like the flag rules' settings
    (FlagSettingsError naming the file and the key)."""
    return AlertSettings(**load_section(root, ALERTS))


def is_negative(ticket: StreamTicket) -> bool:
    """The sentiment that counts is the store's: an agent's override over the model's."""
    return ticket.sentiment == "negative"


# -- the test -----------------------------------------------------------------------------
def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def beta_binomial_tail(k: int, n: int, a: float, b: float) -> float:
    """``P(K ≥ k)`` for ``K`` ~ BetaBinomial(n, a, b)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    norm = _log_beta(a, b)
    log_choose = math.lgamma(n + 1)
    total = 0.0
    for j in range(k, n + 1):
        term = math.exp(
            log_choose
            - math.lgamma(j + 1)
            - math.lgamma(n - j + 1)
            + _log_beta(j + a, n - j + b)
            - norm
        )
        total += term
        # the law is unimodal: a term this small relative to the sum comes after the mode,
        # and every later one is smaller still (big windows would otherwise cost O(n))
        if term < total * 1e-12:
            break
    return min(1.0, total)


# -- the detector -------------------------------------------------------------------------
@dataclass
class _Baseline:
    """Exponentially weighted negative and total counts, decayed to ``at``."""

    negative: float = 0.0
    total: float = 0.0
    at: float = -math.inf

    def decayed(self, at: float, half_life: float) -> tuple[float, float]:
        if self.total == 0.0:
            return 0.0, 0.0
        factor = 0.5 ** ((at - self.at) / half_life)
        return self.negative * factor, self.total * factor

    def add(self, ticket: StreamTicket, half_life: float) -> None:
        negative, total = self.decayed(ticket.at, half_life)
        self.negative = negative + (1.0 if is_negative(ticket) else 0.0)
        self.total = total + 1.0
        self.at = ticket.at


@dataclass
class _Series:
    """One category's (or all tickets') window, baseline and last alert."""

    window: deque[StreamTicket] = field(default_factory=deque)
    negatives: int = 0
    baseline: _Baseline = field(default_factory=_Baseline)
    last_alert: float = -math.inf


class SpikeDetector:
    """Feed it tickets in time order; :meth:`feed` returns the alerts each one raises.

    Not thread-safe: one detector per stream."""

    def __init__(self, settings: AlertSettings) -> None:
        self.settings = settings
        self._series: dict[str, _Series] = {}
        self._last = -math.inf

    def feed(self, ticket: StreamTicket) -> list[SpikeAlert]:
        if ticket.at < self._last:
            raise ValueError(f"ticket {ticket.id} is older than the one before it")
        self._last = ticket.at
        keys = [ALL] if not ticket.category else [ticket.category, ALL]
        raised = []
        for key in keys:
            alert = self._feed_series(key, self._series.setdefault(key, _Series()), ticket)
            if alert is not None:
                raised.append(alert)
        return raised

    def _feed_series(self, key: str, series: _Series, ticket: StreamTicket) -> SpikeAlert | None:
        settings = self.settings
        half_life = settings.baseline_half_life_hours * _HOUR
        start = ticket.at - settings.window_hours * _HOUR
        while series.window and series.window[0].at <= start:
            old = series.window.popleft()
            series.negatives -= is_negative(old)
            series.baseline.add(old, half_life)
        series.window.append(ticket)
        series.negatives += is_negative(ticket)
        if not is_negative(ticket) or not settings.enabled:
            return None
        if ticket.at - series.last_alert < settings.cooldown_hours * _HOUR:
            return None
        volume = len(series.window)
        if volume < settings.min_volume:
            return None
        base_negative, base_total = series.baseline.decayed(ticket.at, half_life)
        if base_total < settings.min_volume:
            return None
        baseline = base_negative / base_total
        share = series.negatives / volume
        if share - baseline < settings.min_lift:
            return None
        p_value = beta_binomial_tail(
            series.negatives, volume, base_negative + 0.5, base_total - base_negative + 0.5
        )
        level = settings.overall_significance if key == ALL else settings.significance
        if p_value > level:
            return None
        series.last_alert = ticket.at
        log.info("spike alert on %s: %.0f%% vs %.0f%%", key, 100 * share, 100 * baseline)
        return SpikeAlert(
            category=key,
            fired_at=ticket.at,
            window_start=start,
            window_end=ticket.at,
            share=share,
            baseline=baseline,
            volume=volume,
            negatives=series.negatives,
            p_value=p_value,
            tickets=tuple(t.id for t in series.window if is_negative(t)),
        )


def detect(stream: Iterable[StreamTicket], settings: AlertSettings) -> list[SpikeAlert]:
    """Every alert the time-ordered ``stream`` raises, in firing order."""
    detector = SpikeDetector(settings)
    return [alert for ticket in stream for alert in detector.feed(ticket)]


# -- live -----------------------------------------------------------------------------------
def history_start(settings: AlertSettings, now: float) -> float:
    """Where a live check starts reading: the window and enough baseline before it."""
    return now - (
        settings.window_hours + _HISTORY_HALF_LIVES * settings.baseline_half_life_hours
    ) * (_HOUR)


def check_alerts(
    store: TicketStore, settings: AlertSettings, *, now: Callable[[], float] = time.time
) -> list[AlertRecord]:
    """Run the detector over the recent scored tickets and store the alerts that fired
    within the last window and are not stored yet (one per incident: within the cool-down
    of a stored alert of the same category it is the same one). Returns the new ones.

    Called after each scoring round; the window's history is read afresh each time, so an
    agent's override counts from the next check on. Thread: the database worker."""
    if not settings.enabled:
        return []
    moment = now()
    alerts = detect(store.scored_stream(history_start(settings, moment)), settings)
    recent = [a for a in alerts if a.fired_at >= moment - settings.window_hours * _HOUR]
    if not recent:
        return []
    return store.transaction(
        "the new alerts",
        lambda: store.save_alerts(recent, settings.cooldown_hours * _HOUR),
    )


def list_alerts(store: TicketStore, limit: int = 200) -> list[AlertRecord]:
    """The stored alerts, latest first. Thread: the database worker."""
    return store.alerts(limit)


def acknowledge_alert(store: TicketStore, actor: Account | None, alert_id: int) -> AlertRecord:
    """A supervisor acknowledges an alert (audited with before and after); returns it as
    stored now. PermissionDenied for anyone else, AlertError for an unknown alert or one
    acknowledged already. Thread: the database worker."""
    require_supervisor(actor, ACKNOWLEDGING)
    assert actor is not None  # require_supervisor refuses None

    def body() -> AlertRecord:
        still_supervisor(store, actor, ACKNOWLEDGING)
        found = store.alerts(1, ids=[alert_id])
        if not found:
            raise AlertError(f"there is no alert {alert_id}")
        before = found[0]
        if before.acknowledged_by is not None:
            raise AlertError(
                f"alert {alert_id} was already acknowledged by {before.acknowledged_by}"
            )
        store.acknowledge_alert(alert_id, actor.name)
        (after,) = store.alerts(1, ids=[alert_id])
        store.audit(
            "alert_acknowledge",
            None,
            {"alert": alert_id, "category": after.alert.category},
            actor.name,
            before={"acknowledged_by": None, "acknowledged_at": None},
            after={
                "acknowledged_by": after.acknowledged_by,
                "acknowledged_at": after.acknowledged_at,
            },
        )
        return after

    return store.transaction("the acknowledgement", body)


def alert_dict(alert: SpikeAlert) -> dict[str, object]:
    """An alert as the command line's JSON writes it (ISO times)."""
    return {
        "category": alert.category,
        "fired_at": iso_time(alert.fired_at),
        "window_start": iso_time(alert.window_start),
        "window_end": iso_time(alert.window_end),
        "share": round(alert.share, 4),
        "baseline": round(alert.baseline, 4),
        "volume": alert.volume,
        "negatives": alert.negatives,
        "p_value": alert.p_value,
        "tickets": list(alert.tickets),
    }


def format_alerts(alerts: Sequence[SpikeAlert]) -> str:
    """A table of alerts for the terminal."""
    if not alerts:
        return "no alerts"
    width = max(len("category"), *(len(a.category) for a in alerts))
    lines = [
        f"{'fired at (UTC)':<19}  {'category':<{width}}  {'window':<11}  "
        f"{'share':>5}  {'base':>5}  {'neg/n':>7}  p"
    ]
    for a in alerts:
        fired = iso_time(a.fired_at)[:19].replace("T", " ")
        window = f"{iso_time(a.window_start)[11:16]}–{iso_time(a.window_end)[11:16]}"
        lines.append(
            f"{fired:<19}  {a.category:<{width}}  {window:<11}  {a.share:>5.0%}  "
            f"{a.baseline:>5.0%}  {f'{a.negatives}/{a.volume}':>7}  {a.p_value:.1e}"
        )
    return "\n".join(lines)
