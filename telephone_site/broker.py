"""kombu's filesystem broker (the no-services default) with messages written atomically.

kombu creates a message file and then writes into it, while a consumer takes any
file whose name matches, by moving it away and reading it. A consumer that comes
between the two reads an empty file: the message is lost, and the JSON error that
follows stops the worker ("Unrecoverable error"). With several processes publishing
at once (workers enqueueing next phases and retries, beat, the web) it happens.

Here a message is written under a name no consumer matches and renamed into place
when complete; a rename within one folder is atomic, so a consumer sees either no
file or a whole one. Selected by settings for `filesystem://` broker URLs.

The Redis broker is in `redis_broker.py`: a module of its own, so that a process on this
one never imports redis-py (a seventh of a second of CPU at every worker's start).
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
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
