"""A Redis cache that degrades instead of failing.

When Redis is away every page must still work: reads miss and writes are
dropped, with a warning in the log. allauth's rate limits live in the cache,
so during an outage they fail open; the outage is visible on /healthz.
"""

import logging

import redis
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


def _degrade(method, fallback):
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (redis.RedisError, OSError) as error:
            log.warning("Cache unavailable (%s): %s", method.__name__, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = method.__name__
    return wrapper


class ResilientRedisCache(RedisCache):
    get = _degrade(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrade(RedisCache.get_many, {})
    has_key = _degrade(RedisCache.has_key, False)
    set = _degrade(RedisCache.set, None)
    # True: callers that lock with add() (allauth's rate limits) carry on
    # instead of waiting for a lock that can never be taken.
    add = _degrade(RedisCache.add, True)
    touch = _degrade(RedisCache.touch, False)
    set_many = _degrade(RedisCache.set_many, [])
    delete = _degrade(RedisCache.delete, False)
    delete_many = _degrade(RedisCache.delete_many, None)
    clear = _degrade(RedisCache.clear, None)
    incr = _degrade(RedisCache.incr, 0)
