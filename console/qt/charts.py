"""Charts of the Trends dashboard and of the report's images, drawn with pyqtgraph.

What a chart shows is a :class:`ChartSpec`, built from the
:class:`~console.services.trends.Trends` by the functions at the end of this module, so the
dashboard and the report draw the same numbers. A :class:`Chart` draws a spec: bars
(stacked when there are several series), lines, or horizontal bars; hovering shows the
values of the bucket under the pointer, and a click emits which bucket and series it hit
(the dashboard filters the queue with it). :func:`render_png` draws a spec into a PNG
without putting a window on the screen.

pyqtgraph takes most of a second to import (it loads QtSvg, QtOpenGL and QtTest and copies
every Qt class), so nothing imports this module at start-up: the Trends window imports it
when it first opens, off the GUI thread (see ``console.qt.trends_view``).

Thread: the GUI thread, like every widget.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QPoint,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QCursor, QImage, QImageWriter, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from console.services.trends import (
    ALL,
    UNSCORED,
    PhraseReport,
    Series,
    Timeline,
    Trends,
    WaitPoint,
)

# white, like the report's page; the dashboard sits in an ordinary window
pg.setConfigOptions(antialias=True, background="w", foreground="#37474f")

#: Colour-blind-safe qualitative colours (Tableau 10), series after series.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
VOLUME_COLOR = "#90a4ae"
NEGATIVE_COLOR = "#c62828"
WAIT_COLOR = "#4e79a7"
#: At most this many labels along an axis; the others are left out so none overlap.
MAX_TICKS = 12


def tr(text: str) -> str:
    return QCoreApplication.translate("Charts", text)


def series_name(key: str) -> str:
    """A series key as people read it: translated category names, "all tickets", …"""
    if key == ALL:
        return tr("all tickets")
    if key == UNSCORED:
        return tr("not scored yet")
    return QCoreApplication.translate("QueueModel", key)


def bucket_label(epoch: float, resolution: str, long: bool = False) -> str:
    """A bucket's start in local time: a day, or an hour."""
    moment = datetime.fromtimestamp(epoch)
    if resolution == "hour":
        return moment.strftime("%Y-%m-%d %H:00" if long else "%H:00")
    return moment.strftime("%Y-%m-%d (%a)" if long else "%m-%d")


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.1%}"


def hours(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class ChartSeries:
    """One series: ``key`` is what a click on it reports; None values are gaps."""

    key: str
    name: str
    values: tuple[float | None, ...]
    color: str


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows. ``kind``: "bars" (stacked when several series), "lines" or
    "hbars" (horizontal, the first label at the top). ``tips`` is each bucket's hover text;
    ``unit`` follows values on the value axis."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    tips: tuple[str, ...]
    unit: str = ""
    #: the value axis starts at 0 and reaches at least this
    minimum_top: float = 0.0


class Chart(pg.PlotWidget):  # type: ignore[misc]
    """A pyqtgraph plot that draws a :class:`ChartSpec`, with hover values and clicks.

    Signals:
    clicked(int, str): a bucket (index into the spec's labels) and the key of the series
        under the pointer.
    """

    clicked = Signal(int, str)

    def __init__(
        self, parent: QWidget | None = None, *, smooth: bool = False, plot_item: Any = None
    ) -> None:
        """``plot_item``: one made by :func:`new_plot_item` (one is made when None)."""
        super().__init__(parent, plotItem=new_plot_item() if plot_item is None else plot_item)
        #: antialiased lines: for images; on screen, an antialiased 2-pixel line is stroked
        #: as a path, 20 times slower than the segments drawn otherwise (650 ms to paint a
        #: breakdown by category on the measuring machine)
        self.smooth = smooth
        self.spec: ChartSpec | None = None
        #: per bucket and series: the (low, high) value span of its bar, for clicks
        self._spans: list[dict[str, tuple[float, float]]] = []
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.getViewBox().setMouseEnabled(x=False, y=False)
        self.setMinimumHeight(180)
        self._cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#b0bec5"))
        item.addItem(self._cursor, ignoreBounds=True)
        self._cursor.hide()
        #: drawn items, kept for the next spec (see :meth:`show_spec`)
        self._curves: list[Any] = []
        self._bars: list[Any] = []
        self._spots = pg.ScatterPlotItem()
        item.addItem(self._spots)
        self._shown_title: tuple[str, bool] | None = None
        self._legend_shown: tuple[tuple[str, str], ...] = ()
        self.scene().sigMouseMoved.connect(self._moved)
        self.scene().sigMouseClicked.connect(self._clicked)
        self._legend = item.addLegend(
            offset=(-10, 10), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 210)
        )

    # -- drawing ----------------------------------------------------------------------------
    def show_spec(self, spec: ChartSpec) -> None:
        """Draw ``spec`` in place of what was there.

        The plot items are kept and given new data rather than made again: making a
        pyqtgraph item and adding it to the scene costs several times more than setting its
        data, and a breakdown by category has eight series."""
        self.spec = spec
        item = self.getPlotItem()
        horizontal = spec.kind == "hbars"
        if (spec.title, horizontal) != self._shown_title:
            item.setTitle(spec.title, size="10pt")
            item.showGrid(x=horizontal, y=not horizontal, alpha=0.25)
            self._cursor.setAngle(0 if horizontal else 90)
            self._shown_title = (spec.title, horizontal)
        self.setAccessibleName(spec.title)
        self._cursor.hide()
        self._spans = [{} for _ in spec.labels]
        if spec.kind == "lines":
            self._draw_lines(spec)
            self._pooled(self._bars, 0, _new_bars)
        else:
            self._draw_bars(spec, horizontal)
            self._pooled(self._curves, 0, pg.PlotCurveItem)
            self._spots.setVisible(False)
        self._axes(spec, horizontal)
        pool = self._curves if spec.kind == "lines" else self._bars
        # the series with something drawn (a legend sample of a hidden item is an icon)
        drawn = [
            (s.name, s.color, pooled)
            for s, pooled in zip(spec.series, pool, strict=False)
            if any(v is not None for v in s.values)
        ]
        shown = tuple((name, color) for name, color, _ in drawn) if len(spec.series) > 1 else ()
        if shown != self._legend_shown:
            self._legend.clear()
            for name, _, pooled in drawn if shown else ():
                self._legend.addItem(pooled, html.escape(name))
            self._legend_shown = shown
        self._legend.setVisible(bool(shown))

    def reserve(self, bars: int = 0, curves: int = 0) -> None:
        """Make the plot items of that many bar and line series ahead of the first draw."""
        self._pooled(self._bars, max(bars, len(self._bars)), _new_bars)
        self._pooled(self._curves, max(curves, len(self._curves)), pg.PlotCurveItem)
        for pooled in (*self._bars, *self._curves):
            pooled.setVisible(False)

    def _pooled(self, pool: list[Any], count: int, make: Callable[[], Any]) -> list[Any]:
        """``count`` items of ``pool`` (made and added when there are too few), the rest
        hidden."""
        while len(pool) < count:
            made = make()
            self.getPlotItem().addItem(made)
            pool.append(made)
        for i, pooled in enumerate(pool):
            pooled.setVisible(i < count)
        return pool[:count]

    def _draw_lines(self, spec: ChartSpec) -> None:
        x = np.arange(len(spec.labels), dtype=float)
        curves = self._pooled(self._curves, len(spec.series), pg.PlotCurveItem)
        spots_x: list[float] = []
        spots_y: list[float] = []
        brushes: list[Any] = []
        for curve, s in zip(curves, spec.series, strict=True):
            y = np.array([math.nan if v is None else v for v in s.values], dtype=float)
            # a series without one value (a category with no scored ticket) draws nothing
            curve.setData(
                x,
                np.nan_to_num(y) if np.isnan(y).all() else y,
                connect="finite",
                antialias=self.smooth,
            )
            curve.setPen(pg.mkPen(s.color, width=2))
            curve.setVisible(not np.isnan(y).all())
            brush = pg.mkBrush(s.color)
            for i, v in enumerate(s.values):
                if v is not None:
                    self._spans[i][s.key] = (v, v)
                    spots_x.append(float(i))
                    spots_y.append(v)
                    brushes.append(brush)
        # every series' points in one item: one item per series costs as much again
        self._spots.setData(x=spots_x, y=spots_y, brush=brushes, size=5, pen=None)
        self._spots.setVisible(bool(spots_x))

    def _draw_bars(self, spec: ChartSpec, horizontal: bool) -> None:
        n = len(spec.labels)
        base = np.zeros(n)
        # horizontal bars read top-down: the first label on top
        positions = (
            np.arange(n - 1, -1, -1, dtype=float) if horizontal else np.arange(n, dtype=float)
        )
        pool = self._pooled(self._bars, len(spec.series), _new_bars)
        for bars, s in zip(pool, spec.series, strict=True):
            values = np.array([0.0 if v is None else v for v in s.values], dtype=float)
            brush = pg.mkBrush(s.color)
            if horizontal:
                bars.setOpts(
                    x=None,
                    y0=None,
                    x0=base.copy(),
                    y=positions,
                    width=values,
                    height=0.7,
                    brush=brush,
                    pen=None,
                )
            else:
                bars.setOpts(
                    x0=None,
                    y=None,
                    x=positions,
                    y0=base.copy(),
                    height=values,
                    width=0.75,
                    brush=brush,
                    pen=None,
                )
            for i, v in enumerate(values):
                self._spans[i][s.key] = (float(base[i]), float(base[i] + v))
            base += values

    def _axes(self, spec: ChartSpec, horizontal: bool) -> None:
        item = self.getPlotItem()
        n = len(spec.labels)
        step = max(1, math.ceil(n / MAX_TICKS)) if not horizontal else 1
        positions = [float(n - 1 - i) for i in range(n)] if horizontal else list(range(n))
        ticks = [(positions[i], spec.labels[i]) for i in range(0, n, step)]
        category_axis = item.getAxis("left" if horizontal else "bottom")
        value_axis = item.getAxis("bottom" if horizontal else "left")
        category_axis.setTicks([ticks, []])
        value_axis.setTicks(None)
        value_axis.setLabel(spec.unit)
        top = max(
            [spec.minimum_top]
            + [sum(span[1] - span[0] for span in b.values()) for b in self._spans if b]
            + [hi for b in self._spans for _, hi in b.values()]
        )
        top = top * 1.08 if top > 0 else 1.0
        view = item.getViewBox()
        if horizontal:
            view.setRange(xRange=(0, top), yRange=(-0.6, max(0.4, n - 0.4)), padding=0)
        else:
            view.setRange(xRange=(-0.6, max(0.4, n - 0.4)), yRange=(0, top), padding=0)

    # -- hover and clicks -------------------------------------------------------------------
    def bucket_at(self, scene_pos: QPointF) -> tuple[int, float] | None:
        """The bucket under a scene position and the value there, or None."""
        if self.spec is None or not self.spec.labels:
            return None
        view = self.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(scene_pos):
            return None
        point = view.mapSceneToView(scene_pos)
        n = len(self.spec.labels)
        if self.spec.kind == "hbars":
            index, value = n - 1 - round(point.y()), point.x()
        else:
            index, value = round(point.x()), point.y()
        return (index, value) if 0 <= index < n else None

    def hover_text(self, index: int) -> str:
        return self.spec.tips[index] if self.spec is not None else ""

    def series_at(self, index: int, value: float) -> str:
        """The series a click at ``value`` in bucket ``index`` means: the bar segment that
        holds it, or the nearest line point (the first series when none is near)."""
        spans = self._spans[index] if 0 <= index < len(self._spans) else {}
        if not spans:
            return self.spec.series[0].key if self.spec and self.spec.series else ""
        if self.spec is not None and self.spec.kind != "lines":
            for key, (low, high) in spans.items():
                if low <= value < high:
                    return key
        return min(spans, key=lambda k: abs(spans[k][0] - value))

    def position_of(self, index: int, key: str) -> QPoint:
        """Where, in the viewport, bucket ``index`` of series ``key`` is drawn (its middle)."""
        assert self.spec is not None
        low, high = self._spans[index].get(key, (0.0, 0.0))
        middle = (low + high) / 2
        n = len(self.spec.labels)
        if self.spec.kind == "hbars":
            view_point = QPointF(middle, float(n - 1 - index))
        else:
            view_point = QPointF(float(index), middle)
        scene = self.getPlotItem().getViewBox().mapViewToScene(view_point)
        position: QPoint = self.mapFromScene(scene)
        return position

    def _moved(self, pos: QPointF) -> None:
        hit = self.bucket_at(pos)
        if hit is None:
            self._cursor.hide()
            QToolTip.hideText()
            return
        index = hit[0]
        assert self.spec is not None
        n = len(self.spec.labels)
        self._cursor.setPos(float(n - 1 - index) if self.spec.kind == "hbars" else float(index))
        self._cursor.show()
        QToolTip.showText(QCursor.pos(), self.hover_text(index), self)

    def _clicked(self, event: object) -> None:
        if getattr(event, "button", lambda: None)() != Qt.MouseButton.LeftButton:
            return
        hit = self.bucket_at(event.scenePos())  # type: ignore[attr-defined]
        if hit is not None:
            index, value = hit
            self.clicked.emit(index, self.series_at(index, value))


def new_plot_item() -> Any:
    """The plot a :class:`Chart` draws in: its axes, title, view and pyqtgraph's options
    widgets. Making it is two thirds of making a chart (about 20 ms of 30 on the measuring
    machine), so the dashboard makes it in a turn of the event loop of its own."""
    # no context menus (the ViewBox's alone takes a fifth of making a chart)
    return pg.PlotItem(enableMenu=False)


def _new_bars() -> Any:
    return pg.BarGraphItem(x=[], height=[], width=0.75)


def render_png(spec: ChartSpec, width: int = 900, height: int = 300) -> bytes:
    """``spec`` drawn as a PNG of ``width`` × ``height`` pixels, never shown on screen."""
    chart = Chart(smooth=True)
    try:
        # laid out and painted as if shown, without a window appearing
        chart.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        chart.resize(width, height)
        chart.show_spec(spec)
        chart.show()
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            chart.render(painter)
        finally:
            painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not QImageWriter(buffer, QByteArray(b"png")).write(image):
            raise RuntimeError("the PNG writer refused the chart image")
        return bytes(buffer.data().data())
    finally:
        chart.hide()
        chart.deleteLater()


# -- what the dashboard and the report draw ---------------------------------------------------
def _by(title: str, dimension: str) -> str:
    names = {"category": tr("category"), "channel": tr("channel"), "language": tr("language")}
    return title if dimension not in names else tr("%s, by %s") % (title, names[dimension])


def _colors(count: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(count)]


def _series_of(line: Timeline, dimension: str, limit: int = len(PALETTE)) -> list[Series]:
    return list(line.of(dimension))[:limit]


def volume_spec(line: Timeline, dimension: str) -> ChartSpec:
    """Conversations per bucket, stacked by the breakdown's series."""
    chosen = _series_of(line, dimension)
    colors = [VOLUME_COLOR] if dimension == "overall" else _colors(len(chosen))
    labels = tuple(bucket_label(e, line.resolution) for e in line.edges[:-1])
    tips = []
    for i, start in enumerate(line.edges[:-1]):
        rows = [f"<b>{bucket_label(start, line.resolution, long=True)}</b>"]
        rows += [
            tr("%s: %d tickets") % (html.escape(series_name(s.key)), s.points[i].volume)
            for s in chosen
            if s.points[i].volume or dimension == "overall"
        ]
        tips.append("<br>".join(rows))
    title = tr("Tickets per day") if line.resolution == "day" else tr("Tickets per hour")
    return ChartSpec(
        kind="bars",
        title=_by(title, dimension),
        labels=labels,
        series=tuple(
            ChartSeries(s.key, series_name(s.key), tuple(float(p.volume) for p in s.points), c)
            for s, c in zip(chosen, colors, strict=True)
        ),
        tips=tuple(tips),
        unit=tr("tickets"),
        minimum_top=5.0,
    )


def share_spec(line: Timeline, dimension: str) -> ChartSpec:
    """The negative share of the scored conversations per bucket, one line per series."""
    chosen = _series_of(line, dimension)
    colors = [NEGATIVE_COLOR] if dimension == "overall" else _colors(len(chosen))
    labels = tuple(bucket_label(e, line.resolution) for e in line.edges[:-1])
    tips = []
    for i, start in enumerate(line.edges[:-1]):
        rows = [f"<b>{bucket_label(start, line.resolution, long=True)}</b>"]
        for s in chosen:
            p = s.points[i]
            if p.scored:
                rows.append(
                    tr("%s: %s negative (%d of %d)")
                    % (html.escape(series_name(s.key)), percent(p.share), p.negatives, p.scored)
                )
        tips.append("<br>".join(rows))
    title = (
        tr("Negative share per day") if line.resolution == "day" else tr("Negative share per hour")
    )
    return ChartSpec(
        kind="lines",
        title=_by(title, dimension),
        labels=labels,
        series=tuple(
            ChartSeries(
                s.key,
                series_name(s.key),
                tuple(None if p.share is None else 100 * p.share for p in s.points),
                c,
            )
            for s, c in zip(chosen, colors, strict=True)
        ),
        tips=tuple(tips),
        unit="%",
        minimum_top=20.0,
    )


def wait_spec(line: Timeline, waits: Sequence[WaitPoint]) -> ChartSpec:
    """Median and 90th-percentile wait for the first reply per bucket, in hours."""
    labels = tuple(bucket_label(e, line.resolution) for e in line.edges[:-1])
    tips = tuple(
        f"<b>{bucket_label(start, line.resolution, long=True)}</b><br>"
        + tr("median %s, 90%% within %s; %d of %d answered")
        % (hours(w.median_wait), hours(w.p90_wait), w.answered, w.tickets)
        for start, w in zip(line.edges[:-1], waits, strict=True)
    )

    def in_hours(value: float | None) -> float | None:
        return None if value is None else value / 3600

    return ChartSpec(
        kind="lines",
        title=tr("Wait for the first reply"),
        labels=labels,
        series=(
            ChartSeries(
                "median", tr("median"), tuple(in_hours(w.median_wait) for w in waits), WAIT_COLOR
            ),
            ChartSeries(
                "p90", tr("90th percentile"), tuple(in_hours(w.p90_wait) for w in waits), "#f28e2b"
            ),
        ),
        tips=tips,
        unit=tr("hours"),
        minimum_top=1.0,
    )


def breach_spec(line: Timeline, waits: Sequence[WaitPoint], sla_hours: float) -> ChartSpec:
    """Conversations past the reply SLA per bucket (by when they were created)."""
    labels = tuple(bucket_label(e, line.resolution) for e in line.edges[:-1])
    tips = tuple(
        f"<b>{bucket_label(start, line.resolution, long=True)}</b><br>"
        + tr("%d past the %g h SLA, %d waiting for a first reply")
        % (w.breaches, sla_hours, w.unanswered)
        for start, w in zip(line.edges[:-1], waits, strict=True)
    )
    return ChartSpec(
        kind="bars",
        title=tr("SLA breaches (first reply later than %g h)") % sla_hours,
        labels=labels,
        series=(
            ChartSeries(
                "breaches", tr("breaches"), tuple(float(w.breaches) for w in waits), NEGATIVE_COLOR
            ),
        ),
        tips=tips,
        unit=tr("tickets"),
        minimum_top=2.0,
    )


def phrase_spec(report: PhraseReport, language: str) -> ChartSpec:
    """This week's driving phrases of one language by z-score."""
    phrases = report.phrases.get(language, ())
    names = {"en": tr("English"), "zh": tr("Chinese")}
    tips = tuple(
        f"<b>{html.escape(p.text)}</b><br>"
        + tr("in %d of this week's negative tickets (%s), %s before; z = %.1f")
        % (p.this_week, percent(p.this_share), percent(p.before_share), p.z)
        for p in phrases
    )
    return ChartSpec(
        kind="hbars",
        title=tr("What drives negativity this week: %s") % names.get(language, language),
        labels=tuple(p.text for p in phrases),
        series=(ChartSeries("z", "z", tuple(p.z for p in phrases), NEGATIVE_COLOR),),
        tips=tips,
        unit=tr("z-score against the weeks before"),
        minimum_top=2.0,
    )


def agents_spec(trends: Trends) -> ChartSpec:
    """Conversations handled per account."""
    agents = trends.agents
    tips = tuple(
        f"<b>{html.escape(a.agent)}</b><br>"
        + tr("%d tickets, %d replies, override rate %s, median first reply %s")
        % (a.tickets, a.replies, percent(a.override_rate), hours(a.median_first_reply))
        for a in agents
    )
    return ChartSpec(
        kind="hbars",
        title=tr("Tickets handled per agent"),
        labels=tuple(a.agent for a in agents),
        series=(
            ChartSeries(
                "tickets", tr("tickets"), tuple(float(a.tickets) for a in agents), WAIT_COLOR
            ),
        ),
        tips=tips,
        unit=tr("tickets"),
        minimum_top=5.0,
    )


def templates_spec(trends: Trends, limit: int = 15) -> ChartSpec:
    """The most rewritten templates: mean share of the suggestion agents changed."""
    templates = trends.templates[:limit]
    tips = tuple(
        f"<b>{html.escape(t.title or t.template_id)}</b><br>"
        + tr("used %d times; %s of the text changed on average, heavily in %d")
        % (t.uses, percent(t.mean_edit_ratio), t.heavy_edits)
        for t in templates
    )
    return ChartSpec(
        kind="hbars",
        title=tr("Most rewritten templates"),
        labels=tuple(t.template_id for t in templates),
        series=(
            ChartSeries(
                "edit",
                tr("changed"),
                tuple(100 * t.mean_edit_ratio for t in templates),
                "#f28e2b",
            ),
        ),
        tips=tips,
        unit=tr("% of the suggestion changed"),
        minimum_top=100.0,
    )


#: The report's images, in the report's order: (name, spec of the trends).
REPORT_CHARTS: tuple[tuple[str, Callable[[Trends], ChartSpec]], ...] = (
    ("volume_days", lambda t: volume_spec(t.days, "overall")),
    ("share_days", lambda t: share_spec(t.days, "overall")),
    ("share_category", lambda t: share_spec(t.days, "category")),
    ("share_channel", lambda t: share_spec(t.days, "channel")),
    ("share_language", lambda t: share_spec(t.days, "language")),
    ("volume_hours", lambda t: volume_spec(t.hours, "overall")),
    ("share_hours", lambda t: share_spec(t.hours, "overall")),
    ("wait_days", lambda t: wait_spec(t.days, t.waiting_days)),
    ("breaches_days", lambda t: breach_spec(t.days, t.waiting_days, t.sla_hours)),
    ("phrases_en", lambda t: phrase_spec(t.phrases, "en")),
    ("phrases_zh", lambda t: phrase_spec(t.phrases, "zh")),
    ("agents", agents_spec),
    ("templates", templates_spec),
)


def report_images(trends: Trends) -> dict[str, bytes]:
    """Every report image as PNG bytes, by name (see :data:`REPORT_CHARTS`)."""
    return {name: render_png(build(trends)) for name, build in REPORT_CHARTS}
