"""Process memory from /proc: resident size now, and a sampler that keeps the peak."""

import threading
import time
from pathlib import Path


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size of a process in KiB; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


class MemorySampler(threading.Thread):
    """Samples the RSS of some processes every `interval` seconds until stopped."""

    def __init__(self, pids: list[int | str], interval: float = 0.01):
        super().__init__(daemon=True)
        self.pids = pids
        self.interval = interval
        self.samples: list[tuple[float, dict]] = []
        self._done = threading.Event()
        self._origin = time.monotonic()

    def sample(self) -> None:
        at = time.monotonic() - self._origin
        self.samples.append((at, {pid: rss_kib(pid) for pid in self.pids}))

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def stop(self) -> list[tuple[float, dict]]:
        self._done.set()
        self.join()
        self.sample()
        return self.samples

    def peaks(self) -> dict:
        return {pid: max(sample[pid] for _, sample in self.samples) for pid in self.pids}
