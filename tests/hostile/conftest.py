"""Fixtures of the hostile-input tests: the API tests' ``api(user)`` client factory and
their fresh throttle counters per test."""

from tests.api.conftest import _api_settings, api  # noqa: F401
