"""kombu's Redis broker as the project uses it: publishing through one client per pool.

Selected by settings for `redis://` URLs. kombu makes a new `redis.Redis`
client for every message it publishes, and redis-py builds its table of response
callbacks (a few hundred entries) for each one: about a quarter of the CPU of a
publish, which every phase task pays once for its next task (issue 11). A client is
a thin, thread-safe handle on the channel's connection pool, so one per pool is kept.
"""

from __future__ import annotations

from kombu.transport import redis


class RedisChannel(redis.Channel):
    _shared_client = None

    def _create_client(self, asynchronous=False):
        """The same synchronous client for every call, while the channel's pool stays the
        same (kombu makes a new pool after a disconnection); consumers' clients as before."""
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._shared_client
        if client is None or client.connection_pool is not self.pool:
            client = self._shared_client = super()._create_client()
        return client


class RedisTransport(redis.Transport):
    Channel = RedisChannel
