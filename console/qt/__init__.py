"""The Qt desktop application (the only package that imports PySide6 and qasync)."""

from console.qt.app import build_window, create_application, run_app
from console.qt.main_window import MainWindow
from console.qt.queue_model import NegativityRole, QueueModel, RowRole, TicketIdRole
from console.qt.ticket_panel import TicketPanel
from console.qt.workers import Workers

__all__ = [
    "MainWindow",
    "NegativityRole",
    "QueueModel",
    "RowRole",
    "TicketIdRole",
    "TicketPanel",
    "Workers",
    "build_window",
    "create_application",
    "run_app",
]
