"""Per-key fixed-window rate limit, kept in process memory (one process per deployment unit)."""

from __future__ import annotations

import math
import threading
import time

from app.core.problems import RateLimited


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def hit(self, key_id: str) -> None:
        if self.per_minute <= 0:
            return
        now = time.time()
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(key_id, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key_id] = (start, count)
        if count > self.per_minute:
            retry = max(1, math.ceil((window + 1) * 60 - now))
            raise RateLimited(
                f"请求过于频繁：每个密钥每分钟最多 {self.per_minute} 次，请 {retry} 秒后重试",
                headers={"Retry-After": str(retry)},
            )
