"""Debian's nginx in front of a test gunicorn, configured by deploy/nginx.conf itself.

The shipped file is rewritten only where a test machine must differ: the upstream
points at the test's gunicorn, both servers listen on free loopback ports, TLS uses
a throw-away self-signed certificate, and static files, logs and nginx's own state
live in a temp folder. Everything else (proxy headers, body limits, locations) is
the deploy file's, so the test proves what production would do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .services import ROOT, _stop_group, free_port, port_open, wait_for

NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
DEPLOY_CONF = ROOT / "deploy" / "nginx.conf"
SERVER_NAME = "telephone.example.org"


def nginx_available() -> bool:
    return Path(NGINX).exists() and shutil.which("openssl") is not None


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={SERVER_NAME}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def site_config(
    *, upstream_port: int, https_port: int, http_port: int, cert: Path, key: Path, static_root: Path, log_dir: Path
) -> str:
    """deploy/nginx.conf with the machine-specific lines swapped; each swap must match once."""
    text = DEPLOY_CONF.read_text()
    swaps = [
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        (r"listen 80;\n\s*listen \[::\]:80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;\n\s*listen \[::\]:443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl;"),
        (r"ssl_certificate \s*\S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};"),
        (r"alias /srv/telephone/var/static/;", f"alias {static_root}/;"),
        (r"access_log /var/log/nginx/telephone\.access\.log telephone;", f"access_log {log_dir}/access.log telephone;"),
    ]
    for pattern, replacement in swaps:
        text, count = re.subn(pattern, replacement, text)
        if count != 1:
            raise AssertionError(f"deploy/nginx.conf changed: {pattern!r} matched {count} times")
    return text


def main_config(*, site: str, workdir: Path) -> str:
    """The nginx.conf around the site: foreground, state in `workdir`, Debian's mime types."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {workdir / kind};" for kind in kinds)
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} info;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n{temp}\n{site}\n}}\n"
    )


class NginxServer:
    def __init__(self, *, workdir: Path, upstream_port: int, static_root: Path):
        self.workdir = workdir
        self.upstream_port = upstream_port
        self.static_root = static_root
        self.https_port = free_port()
        self.http_port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "NginxServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        cert, key = self_signed_certificate(self.workdir)
        site = site_config(
            upstream_port=self.upstream_port,
            https_port=self.https_port,
            http_port=self.http_port,
            cert=cert,
            key=key,
            static_root=self.static_root,
            log_dir=self.workdir,
        )
        conf = self.workdir / "nginx.conf"
        conf.write_text(main_config(site=site, workdir=self.workdir))
        checked = subprocess.run(
            [NGINX, "-t", "-c", str(conf), "-p", str(self.workdir)], capture_output=True, text=True, timeout=30
        )
        if checked.returncode != 0:
            raise AssertionError(f"nginx -t failed:\n{checked.stderr}")
        log = open(self.workdir / "nginx.out", "ab")
        self.process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(self.workdir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.https_port), timeout=15, what="nginx to listen")
        return self

    def access_log(self) -> str:
        path = self.workdir / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        _stop_group(self.process)
