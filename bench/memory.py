"""The peak resident memory of this process while a block runs (sampled every 20 ms), for the
benchmarks that check that memory stays flat whatever the size."""

import os
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakResident:
    """`with PeakResident() as peak: ...`, then `peak.above_start_mib`."""

    def __enter__(self):
        self.start = self.peak = resident_bytes()
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, resident_bytes())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self._stop.set()
        self._sampler.join()
        self.peak = max(self.peak, resident_bytes())

    @property
    def above_start_mib(self) -> float:
        return round((self.peak - self.start) / 2**20, 1)
