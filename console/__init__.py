"""The Sentidesk console: command line entry point and (Qt) desktop application."""

from console.cli import main

__all__ = ["main"]
