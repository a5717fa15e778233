"""gunicorn settings for the web process: `gunicorn -c telephone_site/gunicorn.conf.py`.

Every value comes from an environment variable with a default sized for one
machine behind nginx (deploy/nginx.conf), so systemd units and the Procfile stay
one line. Why each default:

- sync workers, 2 per core + 1: pages are short, CPU-bound renders against a local
  database and cache; slow clients are nginx's problem (it buffers requests and
  responses), so no worker waits on a phone's network.
- timeout 30 s: no page should take near it; a worker stuck longer is killed and
  replaced, and the request gets a 502 from nginx instead of hanging.
- max_requests with jitter: workers are recycled now and then, so a slow leak in
  a library never grows into an outage, and not all at once.
- forwarded_allow_ips: only the proxy may tell gunicorn the client's scheme. It
  defaults to TRUSTED_PROXIES, the list Django uses to believe X-Forwarded-For
  (telephone_site/proxy.py), so the two can never disagree; gunicorn itself
  leaves REMOTE_ADDR as the proxy's address (deploy/README.md).
- the access log carries the request id (X-Request-ID, set by nginx or by Django's
  RequestLogContextMiddleware) so an access line and the app's lines match up.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "sync"
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # seconds an idle nginx upstream connection is kept
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
backlog = _int("GUNICORN_BACKLOG", 2048)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or os.environ.get("TRUSTED_PROXIES") or "127.0.0.1,::1"
proxy_allow_ips = forwarded_allow_ips

# Request line and headers are bounded; the body limit is nginx's client_max_body_size
# and Django's MAX_UPLOAD_BYTES.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

wsgi_app = "telephone_site.wsgi:application"
chdir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
access_log_format = (
    os.environ.get("GUNICORN_ACCESS_LOG_FORMAT") or '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
)
# Names the processes in ps and top.
proc_name = "telephone-web"
