"""docker-compose.yml is a valid Compose file (``docker compose config`` where Docker's
compose plugin exists, else the Compose Specification's JSON schema, vendored from the
compose-spec repository, Apache-2.0) and describes the deployment of README's "Several
machines"; the image installs the runtime lock, which holds no test or dev tool."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("compose-spec.json")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _docker_compose() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


def test_the_compose_file_is_valid(compose):
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(compose)
    if _docker_compose():
        env = {**os.environ, "SECRET_KEY": "x" * 50}
        subprocess.run(["docker", "compose", "config", "--quiet"], cwd=ROOT, env=env, check=True)


def test_the_compose_file_runs_the_deployment_of_several_machines(compose):
    services = compose["services"]
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert "gendan.beat:LeaderScheduler" in services["beat"]["command"]
    assert {"postgres", "postgres-replica", "pgbouncer", "redis", "migrate"} <= set(services)
    # Migrations and static files once, in the one-shot service; the others wait for it.
    migrate = " ".join(services["migrate"]["command"])
    assert "migrate" in migrate and "collectstatic" in migrate
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in " ".join(services[name]["command"])
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        env = services[name]["environment"]
        assert "@pgbouncer:6432/" in env["DATABASE_URL"] and env["DATABASE_PGBOUNCER"] == "true"
        assert "@pgbouncer:6432/gendan_replica" in env["DATABASE_REPLICA_URLS"]
    assert "pg_basebackup" in (ROOT / "docker/postgres/replica.sh").read_text()
    assert "pool_mode = transaction" in (ROOT / "docker/pgbouncer/entrypoint.sh").read_text()


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return dict(re.findall(r"^([a-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", text, re.MULTILINE))


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_image_installs_the_runtime_lock_without_a_dev_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    dev_only = {_name(r) for r in project["optional-dependencies"]["dev"]}
    dev_only -= {_name(r) for r in project["dependencies"]}
    for tool in ("pytest", "playwright", "schemathesis", "ruff", "hypothesis"):
        assert tool in dev_only and tool in dev
    assert not dev_only & set(runtime) - {"jsonschema", "pyyaml"}  # (drf-spectacular's)
    assert {_name(r) for r in project["dependencies"]} <= set(runtime)
    # The same versions in both, with hashes.
    assert all(dev[name] == version for name, version in runtime.items())
    assert "--hash=sha256:" in (ROOT / "requirements.lock").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "-r requirements-dev.lock" not in dockerfile
    assert "tests" in (ROOT / ".dockerignore").read_text().split()
