"""What the sandbox's pages fold again and again, kept per process.

A run's platform is a pure function of its scenario's data, its log and a
minute (`engine.replay`), so a result computed once can be served again while
those inputs stay the same: the trainer's board polls fifty runs every ten
seconds, and between two polls most logs have not changed (and once the clock
stops, paused or at the scenario's end, neither has the minute). Each entry
is checked against the inputs it was computed from, compared in full (the
scenario's data and the log by value), so a stale entry is never served and
nothing needs forgetting: a new action, a reloaded scenario or another minute
computes afresh.

Each memo keeps one entry per scenario or run (the latest), at most `size`
of them, the least recently used dropped first. Threads of one worker share
them; what they hold is immutable once made.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

# Enough for the runs of a few live cohorts at once; a 200-item state is
# about 100 KiB.
SCENARIOS = 64
ACTIONS = 1024
STATES = 256


class Memo:
    """A bounded map from a key to (inputs, value), served only when the
    stored inputs still match."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, matches: Callable[[Any], bool], compute: Callable[[], tuple[Any, Any]]):
        """The value stored for `key` if `matches(inputs)`, else `compute()`'s
        (inputs, value), stored for next time. `key` None stores nothing."""
        if key is not None:
            with self._lock:
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
            if found is not None and matches(found[0]):
                return found[1]
        inputs, value = compute()
        if key is not None:
            with self._lock:
                self._entries[key] = (inputs, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


scenarios = Memo(SCENARIOS)
actions = Memo(ACTIONS)
states = Memo(STATES)
board_facts = Memo(STATES)
