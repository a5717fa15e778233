"""A local S3-compatible server for the storage tests: moto's S3, over real HTTP.

    python -m tests.support.s3_server PORT      # serves 127.0.0.1:PORT until killed

moto answers the S3 API faithfully enough for django-storages and boto3 (buckets,
objects, content types, deletes, anonymous requests refused), but it does not check
when a presigned URL expires. Real S3 does: a request after `X-Amz-Date +
X-Amz-Expires` (SigV4) or after `Expires` (SigV2) gets 403 AccessDenied, "Request
has expired". `ExpiryCheck` adds exactly that rule in front of moto, so a test can
show that the link staff get for a pending image stops working. Nothing else is
changed or faked.
"""

from __future__ import annotations

import sys
import time
from calendar import timegm
from urllib.parse import parse_qs

EXPIRED_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Request has expired</Message></Error>"
)


def expires_at(query: dict[str, list[str]]) -> float | None:
    """The moment a presigned URL stops working, or None for a request that is not presigned."""
    if "X-Amz-Date" in query and "X-Amz-Expires" in query:
        signed = time.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
        return timegm(signed) + int(query["X-Amz-Expires"][0])
    if "Expires" in query and "Signature" in query:
        return float(query["Expires"][0])
    return None


class ExpiryCheck:
    """WSGI middleware: refuse expired presigned URLs the way S3 does."""

    def __init__(self, app, clock=time.time):
        self.app = app
        self.clock = clock

    def __call__(self, environ, start_response):
        deadline = expires_at(parse_qs(environ.get("QUERY_STRING", "")))
        if deadline is not None and self.clock() > deadline:
            start_response(
                "403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(EXPIRED_BODY)))]
            )
            return [EXPIRED_BODY]
        return self.app(environ, start_response)


def serve(port: int) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    app = ExpiryCheck(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
