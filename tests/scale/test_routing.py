"""Which requests read a replica, which models never do, and who is pinned to the
primary (gendan.replicas), in-process; tests/scale/test_replicas.py runs the same against
a real streaming replica."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from gendan import replicas
from gendan.models import User
from orders.models import Order


@pytest.mark.parametrize(
    ("method", "path", "replica"),
    [
        ("GET", "/dashboard/", True),
        ("GET", "/reports/daily/", True),
        ("GET", "/orders/export.xlsx", True),
        ("GET", "/customers/export.xlsx", True),
        ("GET", "/kpi/my/", True),
        ("GET", "/api/v1/orders/", True),
        ("GET", "/api/v1/orders/7/", True),
        ("GET", "/orders/", False),  # a working page: what one just did must show
        ("GET", "/orders/7/", False),
        ("GET", "/api/v1/auth/me/", False),
        ("POST", "/api/v1/orders/", False),
        ("POST", "/kpi/month/2026-11/compute/", False),
    ],
)
def test_the_reads_that_go_to_a_replica(method, path, replica):
    request = RequestFactory().generic(method, path)
    request.resolver_match = match = resolve(path)
    assert replicas._reads_replica(request, match.func) is replica


def test_the_router_reads_the_replica_of_the_request_but_never_who_is_signed_in(db):
    router = replicas.ReplicaRouter()
    token = replicas._read_alias.set("replica1")
    try:
        assert router.db_for_read(User) == "default"
        assert router.db_for_write(Order) == "default"
        # Inside a transaction (the tests' own) the primary is read: it has the writes.
        assert router.db_for_read(Order) == "default"
    finally:
        replicas._read_alias.reset(token)
    assert router.db_for_read(Order) is None  # no replica chosen: Django's default
    assert router.allow_migrate("replica1", "orders") is False
    assert router.allow_migrate("default", "orders") is True


def test_the_router_reads_the_replica_outside_a_transaction(transactional_db):
    token = replicas._read_alias.set("replica1")
    try:
        assert replicas.ReplicaRouter().db_for_read(Order) == "replica1"
    finally:
        replicas._read_alias.reset(token)


def test_a_writer_is_pinned_to_the_primary_for_a_few_seconds(settings):
    settings.GENDAN_REPLICA_PIN_SECONDS = 4
    settings.DATABASE_REPLICAS = ["replica1"]
    middleware = replicas.ReplicaMiddleware(lambda request: HttpResponse())
    factory = RequestFactory()

    response = middleware(factory.post("/api/v1/customers/", HTTP_AUTHORIZATION="Bearer abc"))

    cookie = response.cookies[replicas.PIN_COOKIE]
    assert cookie["max-age"] == 4 and cookie["httponly"]
    browser = factory.get("/dashboard/")
    browser.COOKIES[replicas.PIN_COOKIE] = "1"
    assert replicas._pinned(browser)
    # An API client keeps no cookie: its token is remembered in the shared cache.
    assert replicas._pinned(factory.get("/api/v1/orders/", HTTP_AUTHORIZATION="Bearer abc"))
    assert not replicas._pinned(factory.get("/api/v1/orders/", HTTP_AUTHORIZATION="Bearer x"))
    assert not replicas._pinned(factory.get("/dashboard/"))
    # Reading pins nobody.
    read = middleware(factory.get("/api/v1/orders/", HTTP_AUTHORIZATION="Bearer other"))
    assert replicas.PIN_COOKIE not in read.cookies
