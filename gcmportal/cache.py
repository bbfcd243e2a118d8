"""The production cache: Redis, shared by every process, and while Redis cannot be reached each
process's own memory instead, so that an outage of Redis slows nothing and stops nothing.

Rate limits and sessions live in this cache. During an outage sessions are read from the
database (the cached_db engine) and rate limits go on counting, per process, in memory.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, Redis is left alone this long before it is tried again: a request never
# waits on it more than once in a while.
RETRY_AFTER = 5.0


class FallbackRedisCache(BaseCache):
    """Django's Redis cache, falling back to a per-process memory cache while Redis is down.

    OPTIONS go to the Redis connection pool; keep short timeouts there, e.g.
    {"socket_connect_timeout": 1, "socket_timeout": 1}.
    """

    def __init__(self, server, params):
        super().__init__(params)
        self._redis = RedisCache(server, params)
        self._memory = LocMemCache("fallback", {**params, "OPTIONS": {"MAX_ENTRIES": 50_000}})
        self._retry_at = 0.0

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._retry_at:
            try:
                return getattr(self._redis, method)(*args, **kwargs)
            except RedisError as error:
                self._retry_at = time.monotonic() + RETRY_AFTER
                logger.error(
                    "Redis cache unavailable (%s: %s): this process uses its own memory for %s s",
                    type(error).__name__,
                    error,
                    RETRY_AFTER,
                )
        return getattr(self._memory, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
