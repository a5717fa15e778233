"""kombu's brokers as the project uses them: the filesystem one (the no-services default)
with messages written atomically, and Redis publishing through one client per pool.

kombu creates a message file and then writes into it, while a consumer takes any
file whose name matches, by moving it away and reading it. A consumer that comes
between the two reads an empty file: the message is lost, and the JSON error that
follows stops the worker ("Unrecoverable error"). With several processes publishing
at once (workers enqueueing next phases and retries, beat, the web) it happens.

Here a message is written under a name no consumer matches and renamed into place
when complete; a rename within one folder is atomic, so a consumer sees either no
file or a whole one. Selected by settings for `filesystem://` broker URLs.

Redis (`RedisTransport`, selected for `redis://` URLs): kombu makes a new `redis.Redis`
client for every message it publishes, and redis-py builds its table of response
callbacks (a few hundred entries) for each one: about a quarter of the CPU of a
publish, which every phase task pays once for its next task (issue 11). A client is
a thin, thread-safe handle on the channel's connection pool, so one per pool is kept.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, redis
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: write a hidden file, then rename it into the queue."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # ".writing-..." never matches "<anything>.<queue>.msg", so no consumer takes it.
        partial = os.path.join(self.data_folder_out, f".writing-{uuid.uuid4().hex}")
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


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
