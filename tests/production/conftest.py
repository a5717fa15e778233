"""Fixtures for the production-setup tests: a local S3 server and storage pointed at it."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config

from tests.support.services import RedisServer, S3Server

S3_ACCESS_KEY = "test-access-key"
S3_SECRET_KEY = "test-secret-key"
S3_REGION = "us-east-1"
PRIVATE_URL_SECONDS = 3


@pytest.fixture
def redis_server(tmp_path):
    """A private Redis the test may stop and start (tests/support/services.py says why)."""
    server = RedisServer(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def s3_client(s3_server):
    return boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint_url,
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
        region_name=S3_REGION,
        config=Config(signature_version="s3v4"),
    )


def s3_options(*, server: S3Server, bucket: str, **extra) -> dict:
    """What STORAGES would hold with AWS_* set, spelled out so each test has its own bucket.

    Signature version, timeouts and retries come from settings.AWS_S3_CLIENT_CONFIG,
    exactly as in production.
    """
    return {
        "bucket_name": bucket,
        "endpoint_url": server.endpoint_url,
        "access_key": S3_ACCESS_KEY,
        "secret_key": S3_SECRET_KEY,
        "region_name": S3_REGION,
        "default_acl": None,
        "file_overwrite": True,
        "querystring_auth": True,
        **extra,
    }


@pytest.fixture
def s3_bucket(settings, s3_server, s3_client):
    """A fresh bucket holding media and pending uploads, wired in as the site's storage."""
    bucket = f"telephone-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(server=s3_server, bucket=bucket),
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(
                server=s3_server, bucket=bucket, location="private", querystring_expire=PRIVATE_URL_SECONDS
            ),
        },
    }
    return bucket


def bucket_keys(client, bucket: str) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}
