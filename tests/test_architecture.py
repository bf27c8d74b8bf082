"""The layers of README.md "Architecture": the foundation (``gendan/``) imports no app.

``make lint`` checks every layer with import-linter (pyproject.toml); this test keeps
the foundation's rule in the test suite too, so a stray import fails at once.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = {"orders", "production", "shipping", "samples", "planning", "kpi", "alerts", "demo"}
# The root URLconf and the API router mount each app's routes (and only its routes).
URL_WIRING = {"gendan/urls.py", "gendan/api/urls.py"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, anywhere in the file (functions, TYPE_CHECKING)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def test_the_foundation_imports_no_app():
    offending = []
    for path in sorted((ROOT / "gendan").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        for line, module in imported_modules(path):
            parts = module.split(".")
            if parts[0] not in APPS:
                continue
            if name in URL_WIRING and "urls" in parts[1:]:
                continue
            offending.append(f"{name}:{line} imports {module}")
    assert offending == []


def test_the_check_sees_an_app_import(tmp_path):
    """The check itself: an import of an app, even inside a function, is found."""
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from orders.models import Order\n", encoding="utf-8")
    assert imported_modules(module) == [(2, "orders.models.Order")]


def _app_imports(app: str) -> list[tuple[str, int, str]]:
    """(file, line, module) of every import of ``app``'s files (migrations aside)."""
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if "/migrations/" in name:
            continue
        found.extend((name, line, module) for line, module in imported_modules(path))
    return found


def test_orders_imports_neither_production_nor_shipping():
    """Orders asks the apps above it through orders.signals and the registries they
    fill in their AppConfig.ready(); it never imports them."""
    offending = [
        f"{name}:{line} imports {module}"
        for name, line, module in _app_imports("orders")
        if module.split(".")[0] in {"production", "shipping"}
    ]
    assert offending == []


def test_production_and_shipping_take_the_order_kernel_not_orders_services():
    offending = [
        f"{name}:{line} imports {module}"
        for app in ("production", "shipping")
        for name, line, module in _app_imports(app)
        if module == "orders.services" or module.startswith("orders.services.")
    ]
    assert offending == []


def test_the_apps_below_samples_and_planning_never_import_them():
    """Orders, production and shipping tell samples and planning through their hooks
    (orders.signals, production.signals); they never import them."""
    offending = [
        f"{name}:{line} imports {module}"
        for app in ("orders", "production", "shipping")
        for name, line, module in _app_imports(app)
        if module.split(".")[0] in {"samples", "planning"}
    ]
    assert offending == []
