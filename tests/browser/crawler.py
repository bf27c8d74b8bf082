"""A bounded, breadth-first crawl of the pages one signed-in user reaches by links.

``crawl(context, base_url)`` starts at the home page and follows every same-origin
``<a href>``: it opens a page in the browser (at 1366 px, then measures it again at
390 px) while the kind of page (its path with the numbers taken out, plus the names
of its query parameters) has fewer than ``per_kind`` pages opened (one, for a URL with a
query: the same list filtered, sorted or paged) and fewer than
``limit`` pages were opened in all; ``per_kind`` more links of the kind (and one of
each kind of download) are only requested, to check their status; the rest of the
kind are taken as checked (a role may open a kind of page or not: a 403 comes with
the kind, not with the number in the path). It never follows a link out of the site,
the logout and language forms, the admin or the API docs.

What it finds wrong, each with the page it was found on:

- a link that answers neither 2xx nor a redirect to a 2xx (a 403 shown to a role);
- a console error or an uncaught page error;
- a page wider than the viewport (``scrollWidth > innerWidth``) at either width.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# Never followed: leaving, switching language, the admin, the API and its docs.
SKIP = re.compile(r"^/(accounts/logout|i18n/|admin/|api/|healthz/|static/)")
# Only requested (a file, not a page).
DOWNLOAD = re.compile(
    r"\.(xlsx|pdf|csv|png|jpe?g)$"
    r"|/(export|proforma|notice|packing_list|invoice|file|thumbnail|photo|template)/?$"
    r"|[?&]format=(xlsx|pdf|csv)"
)

# The elements that stick out of the viewport (for the report of a too-wide page).
WIDTH = """() => {
  const width = window.innerWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0) {
        let inside = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const s = getComputedStyle(p).overflowX;
          if (s === "auto" || s === "scroll" || s === "hidden") { inside = true; break; }
        }
        if (!inside) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")}` +
                             `#${el.id} right=${Math.round(box.right)}`);
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, inner: width, out: out.slice(0, 5)};
}"""


@dataclass
class Result:
    pages: list[str] = field(default_factory=list)  # opened in the browser
    checked: int = 0  # links only requested
    skipped: int = 0  # links of a kind seen often enough already
    problems: list[str] = field(default_factory=list)
    capped: bool = False  # stopped at ``limit`` with pages left in the queue
    timings: list[tuple[float, str]] = field(default_factory=list)  # seconds to open

    def slowest(self, n: int = 3) -> str:
        return ", ".join(f"{url} {t:.1f} s" for t, url in sorted(self.timings)[-n:][::-1])


def kind_of(path: str, query: str) -> str:
    """``/orders/12/?page=2`` -> ``/orders/N/?page``: pages of one kind."""
    names = sorted({name for name, _ in parse_qsl(query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(names) if names else "")


def _normalise(base: str, page_url: str, href: str) -> str | None:
    """The site-relative URL of ``href`` (no fragment, sorted query), or None to skip."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    url = urlsplit(urljoin(page_url, href))
    if f"{url.scheme}://{url.netloc}" != base or SKIP.search(url.path):
        return None
    query = urlencode(sorted(parse_qsl(url.query, keep_blank_values=True)))
    return url.path + (f"?{query}" if query else "")


def crawl(
    context,
    base_url: str,
    *,
    limit: int = 150,
    per_kind: int = 2,
    shoot=None,
    files_checked: set[str] | None = None,
) -> Result:
    """Crawl from ``/`` in ``context`` (a signed-in browser context at DESKTOP size).

    ``shoot(page, path)`` is called once the page at ``path`` is open (screenshots).
    ``files_checked``: the kinds of file already requested (by the crawl of another
    role: a PDF takes seconds to make), requested no more."""
    files_checked = set() if files_checked is None else files_checked
    base = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    result = Result()
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen, kinds, checks = {"/"}, {}, {}
    while queue:
        url, found_on = queue.popleft()
        path, _, query = url.partition("?")
        kind = kind_of(path, query)
        download = DOWNLOAD.search(url)
        # A page with a query (a filter, a sort, a page number) is its list again:
        # one of each kind is opened.
        enough = 1 if query else per_kind
        if download or kinds.get(kind, 0) >= enough or len(result.pages) >= limit:
            result.capped |= len(result.pages) >= limit and not download
            # A few more of the kind are requested; a file (a PDF takes a while) once.
            if download:
                wanted = kind not in files_checked
                files_checked.add(kind)
            else:
                wanted = checks.get(kind, 0) < per_kind
                checks[kind] = checks.get(kind, 0) + 1
            if wanted:
                _check(context, base, url, found_on, result)
            else:
                result.skipped += 1
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        errors.clear()
        began = time.monotonic()
        try:
            response = page.goto(base + url, wait_until="load")
        except PlaywrightError as exc:  # a file after all (its link did not say so)
            if "Download is starting" not in str(exc):
                raise
            _check(context, base, url, found_on, result)
            continue
        final = urlsplit(page.url).path
        if response is None or not response.ok or final.startswith("/accounts/login"):
            status = response.status if response else "no response"
            result.problems.append(f"{url} answers {status} (linked from {found_on})")
            continue
        result.pages.append(url)
        result.timings.append((time.monotonic() - began, url))
        for width_name, size in (("1366", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(size)
            measured = page.evaluate(WIDTH)
            if measured["scroll"] > measured["inner"]:
                result.problems.append(
                    f"{url} is {measured['scroll']} px wide at {width_name} px: "
                    + ", ".join(measured["out"])
                )
        page.set_viewport_size(DESKTOP)
        if shoot is not None:
            shoot(page, path)
        for message in errors:
            result.problems.append(f"{url}: console: {message}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = _normalise(base, page.url, href)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, url))
    page.close()
    return result


def _check(context, base: str, url: str, found_on: str, result: Result) -> None:
    """Request ``url`` without opening it: it must answer 2xx (after its redirects)."""
    response = context.request.get(base + url, max_redirects=5)
    result.checked += 1
    if not response.ok or urlsplit(response.url).path.startswith("/accounts/login"):
        result.problems.append(f"{url} answers {response.status} (linked from {found_on})")
    response.dispose()
