"""Attachments on an S3-compatible store: moto's S3 server, started by the test on a
spare loopback port, as the storage of ``STORAGES["default"]`` (configured the way
``GENDAN_S3_*`` configures it). The file and its thumbnail are objects in the bucket,
downloaded only through the policy view; a refused upload leaves no object."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from django.core.files.storage import storages
from django.urls import reverse

from conversation import services
from conversation.models import Attachment
from gendan.exceptions import ValidationFailed
from gendan.settings import s3_storage
from tests.factories import create_order

from .conftest import PDF, pdf, png

BUCKET = "gendan-test"
KEYS = {"GENDAN_S3_ACCESS_KEY_ID": "testing", "GENDAN_S3_SECRET_ACCESS_KEY": "testing"}


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto in server mode on a loopback port of its own, stopped afterwards."""
    port = spare_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, settings):
    environ = {
        "GENDAN_S3_BUCKET": BUCKET,
        "GENDAN_S3_ENDPOINT_URL": s3_server,
        "GENDAN_S3_REGION": "us-east-1",
        "GENDAN_S3_PREFIX": "uploads",
        **KEYS,
    }
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(environ)}
    storages._storages.clear()  # the default storage is built again from the settings
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    storages._storages.clear()


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_without_a_bucket_the_uploads_stay_on_the_file_system():
    assert s3_storage({}) is None
    storage = s3_storage({"GENDAN_S3_BUCKET": "b", "GENDAN_S3_ENDPOINT_URL": "http://x"})
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["default_acl"] == "private"


def test_an_attachment_and_its_thumbnail_are_objects_in_the_bucket(bucket, cast, client):
    order = create_order(cast)
    document = services.attachment_add(actor=cast.merchandiser, order_id=order.pk, file=pdf())
    photo = services.attachment_add(
        actor=cast.merchandiser, order_id=order.pk, file=png(), category="photo"
    )
    stored = keys(bucket)
    assert f"uploads/{document.file.name}" in stored
    assert f"uploads/{photo.file.name}" in stored
    assert f"uploads/{photo.thumbnail.name}" in stored
    assert document.file.name.startswith("conversation/attachment/")
    body = bucket.get_object(Bucket=BUCKET, Key=f"uploads/{document.file.name}")["Body"].read()
    assert body == PDF

    client.force_login(cast.merchandiser)
    response = client.get(reverse("conversation:attachment_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(cast.other_merchandiser)
    response = client.get(reverse("conversation:attachment_download", args=[document.pk]))
    assert response.status_code == 404


def test_a_refused_upload_leaves_no_object(bucket, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = create_order(cast)
    broken = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(ValidationFailed):
        services.attachment_add(actor=cast.merchandiser, order_id=order.pk, file=broken)
    assert keys(bucket) == [] and not Attachment.objects.exists()
