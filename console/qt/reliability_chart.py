"""The model card's reliability diagram, drawn with pyqtgraph: predicted probability against
how often the event happened, per bin, before and after calibration, with the diagonal a
perfectly calibrated model would follow. Hovering over a point shows its bin's figures.

pyqtgraph takes most of a second to import, so only the model card imports this module,
after importing pyqtgraph on a worker thread (see
:func:`console.qt.model_card_view.load_chart_module`).

Thread: the GUI thread, like every widget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip, QWidget

BEFORE_COLOR = "#f28e2b"
AFTER_COLOR = "#4e79a7"
DIAGONAL_COLOR = "#90a4ae"
#: How near (in probability units) the pointer must be to a point to show its figures.
HOVER_RADIUS = 0.04


def tr(text: str) -> str:
    return QCoreApplication.translate("ModelCard", text)


@dataclass(frozen=True)
class ReliabilityPoint:
    """One non-empty bin of one curve, where it is drawn and what it holds."""

    series: str
    lower: float
    upper: float
    count: int
    mean_probability: float
    frequency: float


def curve_points(series: str, curve: Mapping[str, Any] | None) -> list[ReliabilityPoint]:
    """The drawn points of a manifest curve (``count``, ``mean_probability``, ``frequency``
    per bin, see :func:`training.calibration.reliability_curve`); empty bins are skipped."""
    if not curve:
        return []
    counts: Sequence[Any] = curve.get("count") or []
    means: Sequence[Any] = curve.get("mean_probability") or []
    rates: Sequence[Any] = curve.get("frequency") or []
    bins = len(counts)
    points = []
    for i, (n, mean, rate) in enumerate(zip(counts, means, rates, strict=False)):
        if not n or mean is None or rate is None:
            continue
        points.append(
            ReliabilityPoint(series, i / bins, (i + 1) / bins, int(n), float(mean), float(rate))
        )
    return points


class ReliabilityChart(pg.PlotWidget):  # type: ignore[misc]
    """Two reliability curves and the diagonal. :attr:`points` are what is drawn;
    :attr:`hover_text` is the last tooltip shown (empty when none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.points: list[ReliabilityPoint] = []
        self.hover_text = ""
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.2)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.setLabel("bottom", tr("Predicted probability"))
        item.setLabel("left", tr("Observed frequency"))
        item.getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)
        self._legend = item.addLegend(offset=(10, 10), labelTextSize="8pt")
        self.setMinimumSize(320, 260)
        self.scene().sigMouseMoved.connect(self._moved)

    def show_curves(
        self,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        title: str,
    ) -> None:
        """Draw the two curves (either may be None) over the diagonal."""
        item = self.getPlotItem()
        item.clear()
        self._legend.clear()
        item.setTitle(title, size="10pt")
        self.setAccessibleName(title)
        item.plot(
            [0.0, 1.0],
            [0.0, 1.0],
            pen=pg.mkPen(DIAGONAL_COLOR, width=1, style=Qt.PenStyle.DashLine),
            name=tr("perfectly calibrated"),
        )
        self.points = []
        for series, curve, color, name in (
            ("before", before, BEFORE_COLOR, tr("before calibration")),
            ("after", after, AFTER_COLOR, tr("after calibration")),
        ):
            points = curve_points(series, curve)
            self.points += points
            if not points:
                continue
            item.plot(
                [p.mean_probability for p in points],
                [p.frequency for p in points],
                pen=pg.mkPen(color, width=2),
                symbol="o",
                symbolSize=7,
                symbolBrush=color,
                symbolPen=pg.mkPen(color),
                name=name,
            )
        item.getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)

    def point_near(self, x: float, y: float) -> ReliabilityPoint | None:
        """The drawn point nearest to ``(x, y)`` (probability units), within
        :data:`HOVER_RADIUS`."""
        best = None
        best_distance = HOVER_RADIUS
        for point in self.points:
            distance = ((point.mean_probability - x) ** 2 + (point.frequency - y) ** 2) ** 0.5
            if distance <= best_distance:
                best, best_distance = point, distance
        return best

    def describe(self, point: ReliabilityPoint) -> str:
        series = tr("before calibration") if point.series == "before" else tr("after calibration")
        return tr("%s\nbin %.2f–%.2f: %d rows\nmean predicted %.1f%%, observed %.1f%%") % (
            series,
            point.lower,
            point.upper,
            point.count,
            point.mean_probability * 100,
            point.frequency * 100,
        )

    def _moved(self, pos: QPointF) -> None:
        view = self.getPlotItem().getViewBox()
        point = None
        if view.sceneBoundingRect().contains(pos):
            at = view.mapSceneToView(pos)
            point = self.point_near(at.x(), at.y())
        if point is None:
            self.hover_text = ""
            QToolTip.hideText()
            return
        self.hover_text = self.describe(point)
        QToolTip.showText(QCursor.pos(), self.hover_text, self)
