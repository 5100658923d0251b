"""A pinned wall clock for the sandbox's tests, moved in scenario minutes."""

import datetime

import time_machine

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


class ScenarioClock:
    """Moves the pinned time to `START` plus so many scenario minutes at a
    given speed (scenario minutes per real minute)."""

    def __init__(self, speed: float = 10.0, start: datetime.datetime = START):
        self.speed = speed
        self.start = start
        self.traveller = None

    def at(self, minute: float) -> datetime.datetime:
        moment = self.start + datetime.timedelta(minutes=minute / self.speed)
        if self.traveller is not None:
            self.traveller.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()
        return moment

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None
