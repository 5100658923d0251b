"""The scenario clock: compressed, pausable, and never going backwards.

Real time is counted in seconds since the run started; scenario time in
minutes since the scenario began. `speed` says how many scenario minutes pass
in one real minute (10: one real minute is ten scenario minutes). A pause
stops scenario time; everything due after it happens that much later in real
time, and nothing due before it moves.
"""

from dataclasses import dataclass


class ClockError(ValueError):
    """A pause or resume that would make the clock contradict itself."""


@dataclass(frozen=True)
class Pause:
    """A pause from `start` to `end` (real seconds since the run started);
    `end` is None while the clock is still paused."""

    start: float
    end: float | None = None


@dataclass(frozen=True)
class Clock:
    speed: float = 10.0
    pauses: tuple[Pause, ...] = ()

    def __post_init__(self):
        if self.speed <= 0:
            raise ClockError("the speed must be positive")

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    def running_seconds(self, seconds: float) -> float:
        """Real seconds the clock has run by `seconds`, pauses left out."""
        # Added up run by run, never subtracted, so rounding cannot make a
        # later moment read earlier.
        seconds = max(0.0, seconds)
        ran, since = 0.0, 0.0
        for pause in self.pauses:
            if seconds <= pause.start:
                break
            ran += pause.start - since
            if pause.end is None or seconds <= pause.end:
                return ran
            since = pause.end
        return ran + (seconds - since)

    def minute_at(self, seconds: float) -> float:
        """The scenario minute shown at `seconds` of real time."""
        return self.running_seconds(seconds) * self.speed / 60

    def seconds_for(self, minute: float) -> float | None:
        """The first real second at which the clock reaches `minute`, or None
        when an open pause stops it before then."""
        needed = max(0.0, minute) * 60 / self.speed  # running seconds
        elapsed = 0.0  # real seconds
        ran = 0.0  # running seconds so far
        for pause in self.pauses:
            if ran + (pause.start - elapsed) >= needed:
                break
            ran += pause.start - elapsed
            if pause.end is None:
                return None
            elapsed = pause.end
        return elapsed + (needed - ran)

    def pause(self, seconds: float) -> "Clock":
        if self.paused:
            raise ClockError("the clock is already paused")
        if self.pauses and seconds < self.pauses[-1].end:
            raise ClockError("a pause cannot start before the last one ended")
        return Clock(self.speed, (*self.pauses, Pause(max(0.0, seconds))))

    def resume(self, seconds: float) -> "Clock":
        if not self.paused:
            raise ClockError("the clock is not paused")
        last = self.pauses[-1]
        if seconds < last.start:
            raise ClockError("the clock cannot resume before it paused")
        return Clock(self.speed, (*self.pauses[:-1], Pause(last.start, seconds)))

    def to_list(self) -> list[list[float | None]]:
        return [[pause.start, pause.end] for pause in self.pauses]

    @classmethod
    def from_list(cls, speed: float, pauses: list) -> "Clock":
        return cls(speed, tuple(Pause(float(start), end) for start, end in pauses))
