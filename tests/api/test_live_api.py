"""The API over HTTP: the OpenAPI schema and its docs, the example ERP script against a
live server, and schemathesis fuzzing every operation of the live schema."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from gendan.api.services import api_client_create
from orders.models import Order
from orders.states import OrderStatus as S
from shipping.models import Shipment
from tests.api.conftest import bearer
from tests.factories import PASSWORD, Cast, order_in_status

ROOT = Path(django_settings.BASE_DIR)


def test_the_schema_validates_without_a_warning(db, tmp_path):
    schema_file = tmp_path / "schema.yml"

    # --fail-on-warn raises on any warning (an unresolved serializer, an enum clash…).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    schema = yaml.safe_load(schema_file.read_text())
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 59
    for path, method, operation in operations:
        responses = set(operation["responses"])
        public = path == "/api/v1/auth/token/"
        assert "429" in responses, (path, method)
        assert public or {"401", "403"} <= responses, (path, method)
        if "{id}" in path:
            assert "404" in responses, (path, method)
        if method in ("post", "patch"):
            assert {"400", "409"} <= responses or public, (path, method)
        if method == "post" and not public and not path.startswith("/api/v1/kpi/"):
            assert "422" in responses, (path, method)
            headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
            assert "Idempotency-Key" in headers, path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_docs_are_served_from_our_own_static_files(client, cast):
    client.force_login(cast.merchandiser)  # the docs and the schema are not public
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert page.status_code == 200
    html = page.content.decode()
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/static/vendor/swagger-ui/{asset}" in html
        assert finders.find(f"vendor/swagger-ui/{asset}")
    assert "cdn" not in html.lower()
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()
    assert client.get("/api/schema/").status_code == 200


def test_the_vendored_css_has_no_source_map_reference_to_a_missing_file():
    # WhiteNoise's manifest storage fails collectstatic on a referenced map that is missing.
    for path in (ROOT / "static/vendor/swagger-ui").iterdir():
        if path.suffix in (".js", ".css"):
            assert "sourceMappingURL" not in path.read_text(errors="ignore"), path


def _load_example():
    spec = importlib.util.spec_from_file_location("erp_client", ROOT / "examples/erp_client.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_erp_script_walks_an_order_to_delivery(api_server, capsys):
    cast = Cast.create()
    out = io.StringIO()
    call_command("create_api_client", "erp-main", stdout=out)
    tokens = {"erp": out.getvalue().strip().splitlines()[-1]}
    for role, username in (("merchandiser", "merch"), ("finance", "finance")):
        response = requests.post(
            f"{api_server.url}/api/v1/auth/token/",
            json={"username": username, "password": PASSWORD},
            timeout=10,
        )
        tokens[role] = response.json()["token"]
    erp_client = _load_example()

    order = erp_client.main(api_server.url, tokens, run="ci-1")
    again = erp_client.main(api_server.url, tokens, run="ci-1")  # a re-run changes nothing

    assert order["status"] == again["status"] == S.DELIVERED
    assert order["id"] == again["id"]
    assert Order.objects.count() == 1 and Shipment.objects.count() == 1
    assert Order.objects.get().owner == cast.merchandiser
    printed = capsys.readouterr().out
    assert "delivered" in printed and "shipment_delivered" in printed


# The fuzzing budget (issue 12): every operation, the four phases, once with a
# supervisor's token and once with an integration client's — at least 5,000 cases in
# all (the coverage phase alone gives some 4,500 per token: every boundary and wrong
# type of every parameter), N more per operation and phase (SCHEMATHESIS_MAX_EXAMPLES).
SCHEMATHESIS_MIN_CASES = 5_000


def _schemathesis(url: str, token: str, folder: Path) -> tuple[subprocess.Popen, Path]:
    """Start one schemathesis run with ``token``; its output goes to a file."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{url}/api/schema/",
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {token}",
        "--phases",
        os.environ.get("SCHEMATHESIS_PHASES", "examples,coverage,fuzzing,stateful"),
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"),
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20261122"),
        # One worker per run: schemathesis's workers are threads, and Python 3.11's ast
        # is not thread-safe ("AST constructor recursion depth mismatch"). The two
        # runs (two processes) overlap instead.
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--generation-database",
        "none",
        # Logging the fuzzer's own token out would leave it nothing but 401s.
        "--exclude-operation-id",
        "auth_logout_create",
        "--no-color",
        # Every check but the two about accepting data: valid-looking input may still
        # break a rule (an unknown customer), and a page_size above 200 is served as 200.
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance,negative_data_rejection",
        "--report",
        "junit",
        "--report-dir",
        str(folder),
    ]
    log = folder / "schemathesis.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    return process, log


def test_schemathesis_finds_no_server_error_and_no_schema_violation(api_server, tmp_path, report):
    cast = Cast.create()
    for status in (S.DRAFT, S.CONFIRMED, S.AWAITING_DEPOSIT, S.IN_PRODUCTION, S.PAID, S.SHIPPED):
        order_in_status(cast, status)
    _client, erp_token = api_client_create(name="erp-fuzz")
    tokens = {"supervisor": bearer(cast.supervisor), "integration": erp_token}

    started = time.monotonic()
    runs = {
        role: _schemathesis(api_server.url, token, tmp_path / role)
        for role, token in tokens.items()
    }
    total = 0
    for role, (process, log) in runs.items():
        try:
            process.wait(timeout=1200)
        finally:
            if process.poll() is None:
                process.kill()
        output = log.read_text()
        assert process.returncode == 0, output[-20000:]
        cases = re.search(r"(\d+) generated", output)
        selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", output)
        assert cases and selected, output[-3000:]
        # Every operation but the logout (which would revoke the fuzzer's own token).
        assert int(selected[1]) == int(selected[2]) - 1 == int(selected[3]), selected[0]
        duration = re.search(r"in ([\d.]+)s =+\s*$", output)
        phases = ", ".join(
            f"{name.lower()} {float(seconds):.0f} s"
            for name, seconds in re.findall(
                r"(Examples|Coverage|Fuzzing|Stateful) \(in ([\d.]+)s\)", output
            )
        )
        report(
            f"schemathesis ({role} token): {cases[1]} cases over {selected[3]} operations "
            f"in {float(duration[1]) if duration else 0:.0f} s ({phases}), "
            "0 server errors, 0 schema violations"
        )
        total += int(cases[1])

    report(
        f"schemathesis: {total} cases in all, {time.monotonic() - started:.0f} s "
        f"(both runs at once; at least {SCHEMATHESIS_MIN_CASES} required)"
    )
    assert total >= SCHEMATHESIS_MIN_CASES


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/orders/1.5/", "/api/x"])
def test_an_unknown_api_url_is_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "对象不存在。"}
