"""A Celery beat that cannot run twice: ``celery -A gendan beat`` (CELERY_BEAT_SCHEDULER).

Every machine may run a beat; only the one holding the leader lock in Redis sends.
``LeaderScheduler`` is django-celery-beat's ``DatabaseScheduler`` (the schedules stay in
the database, edited in the admin) that ticks only while it holds a Redis lock
(``gendan:beat:leader``, a random token per process) with a TTL of
``GENDAN_BEAT_LOCK_SECONDS``, renewed at every tick; a beat that loses it (stopped,
frozen, cut off from Redis for longer than the TTL) stops sending at its next tick, and
another takes over once the TTL has run out. A standby asks for the lock every few
seconds and sends nothing.

Taking over, a beat reads the schedules again from the database (their last run as the
previous leader left it), and the leader writes an entry's last run to the database
right after each send (not every three minutes, as beat does by default), so the next
leader does not send again what was sent.

Without ``REDIS_URL`` (``make run`` on the embedded default: one machine) there is no
lock to take and this is the plain ``DatabaseScheduler``.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

LOCK_KEY = "gendan:beat:leader"

# Renew the lock only if it is still ours: compare-and-expire in one step.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class LeaderScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self.lock_seconds = settings.GENDAN_BEAT_LOCK_SECONDS
        self.token = uuid.uuid4().hex
        self.leading = False
        url = settings.REDIS_URL
        self.redis = (
            redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3) if url else None
        )
        self._renew = self.redis.register_script(_RENEW) if self.redis else None
        super().__init__(*args, **kwargs)

    # -- the lock --------------------------------------------------------------------

    def _hold_lock(self) -> bool:
        """Take or renew the leader lock; whether this beat holds it now."""
        milliseconds = self.lock_seconds * 1000
        try:
            if self.leading:
                held = bool(self._renew(keys=[LOCK_KEY], args=[self.token, milliseconds]))
            else:
                held = bool(self.redis.set(LOCK_KEY, self.token, nx=True, px=milliseconds))
        except redis.RedisError as error:
            # Redis does not answer: nobody can be sure to lead, so nobody sends (the
            # broker is Redis too). The lock expires by itself.
            logger.warning("beat: the leader lock cannot be reached (%s)", error)
            held = False
        if held and not self.leading:
            logger.info("beat: leading (lock %s, %ss)", LOCK_KEY, self.lock_seconds)
            self._reload()
        elif self.leading and not held:
            logger.warning("beat: lost the leader lock; standing by")
        self.leading = held
        return held

    def _reload(self) -> None:
        """Read the schedules again: another beat may have sent some meanwhile."""
        self._schedule = self.all_as_schedule()
        self._heap = None

    def _standby_interval(self) -> float:
        return max(1.0, min(5.0, self.lock_seconds / 3))

    # -- beat's loop -----------------------------------------------------------------

    def tick(self, *args, **kwargs):
        if self.redis is None:
            return super().tick(*args, **kwargs)
        if not self._hold_lock():
            return self._standby_interval()
        # Sleep no longer than a third of the lock's life, so that it is renewed in time.
        return min(super().tick(*args, **kwargs), self.lock_seconds / 3)

    def should_sync(self):
        # The next leader must see each send: write the entries' last run at once.
        return bool(self._dirty) or super().should_sync()

    def close(self):
        if self.redis is not None and self.leading:
            with contextlib.suppress(redis.RedisError):
                self._renew(keys=[LOCK_KEY], args=[self.token, 1])  # let it go now
        super().close()
