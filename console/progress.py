"""A terminal progress bar for build events (the GUI reads the same events as JSON lines)."""

from __future__ import annotations

import sys
from typing import Any, TextIO


class TerminalProgress:
    """Draws ``[stage] ####---- step/total`` on one line of stderr, a new line per stage."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.stage: str | None = None

    def __call__(self, event: dict[str, Any]) -> None:
        stage = str(event.get("stage", ""))
        if stage != self.stage:
            if self.stage is not None:
                self.stream.write("\n")
            self.stage = stage
        if "total" in event and "step" in event:
            done = int(event["step"]) / max(1, int(event["total"]))
            filled = int(done * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            extra = ""
            if "loss" in event:
                rate = float(event.get("examples_per_s", 0) or 0)
                extra = f" loss {event['loss']:.3f}  {rate:.1f} ex/s  {event.get('elapsed_s', 0)}s"
            self.stream.write(f"\r[{stage}] {bar} {event['step']}/{event['total']}{extra}")
        elif stage == "done":
            # a build reports its version, a retrain its challenger
            version = event.get("version") or event.get("challenger")
            self.stream.write(f"[done] model {version} in {event.get('seconds')}s")
        else:
            self.stream.write(f"\r[{stage}] ...")
        self.stream.flush()

    def close(self) -> None:
        if self.stage is not None:
            self.stream.write("\n")
            self.stream.flush()
