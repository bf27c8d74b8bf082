"""The KPI pages (issue 17): the month links end at the months with data or the
configured range, a month outside them is no endless page, a hostile month is a clear
404; the supervisor reviews every pay statement, a merchandiser sees only their own."""

import re

import pytest
from django.utils import timezone

from kpi import periods
from kpi.models import Assessment, AssessmentEvent
from kpi.states import AssessmentStatus as S
from tests.kpi.helpers import PRODUCTION, D, assign, compute

SEPT = D(2026, 9, 1)
LINK = {
    "prev": re.compile(r'rel="prev" href="([^"]+)"'),
    "next": re.compile(r'rel="next" href="([^"]+)"'),
}


def login(client, user):
    client.force_login(user)
    return client


def this_month() -> str:
    return periods.label(periods.month_of(timezone.localdate()))


@pytest.fixture
def month(cast):
    assign(cast.merchandiser, PRODUCTION)
    return compute(cast.merchandiser, SEPT)


def walk(client, url: str, rel: str, limit: int = 200) -> list[str]:
    """Follow the page's ``rel`` link until there is none; the pages visited."""
    visited = [url]
    for _ in range(limit):
        response = client.get(visited[-1])
        assert response.status_code == 200, visited[-1]
        found = LINK[rel].search(response.content.decode())
        if not found:
            return visited
        visited.append(found[1])
    raise AssertionError(f"the {rel} links did not end after {limit} pages")


@pytest.mark.parametrize("view", ["month", "pay"])
def test_the_month_links_end_at_the_first_month_with_data_and_at_this_month(
    client, cast, month, view
):
    user = cast.supervisor if view == "month" else cast.finance
    client = login(client, user)
    back = walk(client, f"/kpi/{view}/{this_month()}/", "prev")
    assert back[-1] == f"/kpi/{view}/2026-09/"
    forward = walk(client, back[-1], "next")
    assert forward[-1] == f"/kpi/{view}/{this_month()}/"
    assert forward == list(reversed(back))


def test_without_any_assessment_the_links_stop_at_last_month(client, cast):
    client = login(client, cast.supervisor)
    pages = walk(client, f"/kpi/month/{this_month()}/", "prev")
    last_month = periods.previous_period(periods.month_of(timezone.localdate()))
    assert pages == [f"/kpi/month/{this_month()}/", f"/kpi/month/{periods.label(last_month)}/"]


@pytest.mark.parametrize("view", ["month", "pay"])
def test_a_month_outside_the_range_goes_to_the_nearest_month_in_it(client, cast, month, view):
    client = login(client, cast.supervisor)
    before = client.get(f"/kpi/{view}/2020-01/")
    assert before.status_code == 302 and before.url == f"/kpi/{view}/2026-09/"
    after = client.get(f"/kpi/{view}/2030-06/")
    assert after.status_code == 302 and after.url == f"/kpi/{view}/{this_month()}/"


@pytest.mark.parametrize(
    "period",
    ["1988-01", "2026-13", "2026-00", "0001-01", "9999-12", "2026-09%00", "%00", "2026-9x", "-1"],
)
def test_a_hostile_month_is_a_404_and_writes_nothing(client, cast, month, period):
    events = AssessmentEvent.objects.count()
    client = login(client, cast.supervisor)
    assert client.get(f"/kpi/month/{period}/").status_code == 404
    assert client.get(f"/kpi/pay/{period}/").status_code == 404
    assert client.post(f"/kpi/month/{period}/compute/").status_code == 404
    assert client.post(f"/kpi/month/{period}/finalize/").status_code == 404
    assert Assessment.objects.count() == 1
    assert AssessmentEvent.objects.count() == events


def test_the_supervisor_reviews_every_pay_statement_and_finalises_from_it(client, cast, month):
    other = compute(cast.other_merchandiser, SEPT)
    Assessment.objects.filter(pk=month.pk).update(
        status=S.CONFIRMED, teamwork=26, attitude=18, total_score=80
    )
    client = login(client, cast.supervisor)
    page = client.get("/kpi/pay/2026-09/")
    assert page.status_code == 200
    html = page.content.decode()
    for assessment in (month, other):
        assert f'href="/kpi/pay-statements/{assessment.pay_statement.pk}/"' in html
    assert "/kpi/pay/2026-09/export/" not in html  # finance exports, not the supervisor
    for assessment in (month, other):
        assert client.get(f"/kpi/pay-statements/{assessment.pay_statement.pk}/").status_code == 200

    statement = month.pay_statement
    review = client.get(f"/kpi/pay-statements/{statement.pk}/").content.decode()
    assert f'action="/kpi/assessments/{month.pk}/finalize/"' in review
    response = client.post(f"/kpi/assessments/{month.pk}/finalize/", {"next": "statement"})
    assert response.status_code == 302 and response.url == f"/kpi/pay-statements/{statement.pk}/"
    month.refresh_from_db()
    assert month.status == S.FINALIZED
    assert month.events.filter(action="finalized", actor=cast.supervisor).count() == 1


def test_a_merchandiser_sees_only_their_own_statement_and_takes_no_review_step(client, cast, month):
    other = compute(cast.other_merchandiser, SEPT)
    Assessment.objects.filter(pk=other.pk).update(status=S.CONFIRMED, total_score=80)
    client = login(client, cast.merchandiser)
    assert client.get("/kpi/pay/2026-09/").status_code == 403
    assert client.get(f"/kpi/pay-statements/{other.pay_statement.pk}/").status_code == 404
    assert (
        client.post(f"/kpi/assessments/{other.pk}/finalize/", {"next": "statement"}).status_code
        == 404
    )
    own = client.get(f"/kpi/pay-statements/{month.pay_statement.pk}/").content.decode()
    assert "/finalize/" not in own
    other.refresh_from_db()
    assert other.status == S.CONFIRMED


def test_finance_reviews_and_exports_but_does_not_finalise(client, cast, month):
    Assessment.objects.filter(pk=month.pk).update(status=S.CONFIRMED, total_score=80)
    client = login(client, cast.finance)
    assert "/kpi/pay/2026-09/export/" in client.get("/kpi/pay/2026-09/").content.decode()
    page = client.get(f"/kpi/pay-statements/{month.pay_statement.pk}/").content.decode()
    assert "/finalize/" not in page
    assert client.post(f"/kpi/assessments/{month.pk}/finalize/").status_code == 403
    month.refresh_from_db()
    assert month.status == S.CONFIRMED


def test_the_pages_use_the_apps_header_forms_and_buttons(client, cast, month):
    client = login(client, cast.supervisor)
    for url in (
        "/kpi/month/2026-09/",
        "/kpi/pay/2026-09/",
        f"/kpi/assessments/{month.pk}/",
        f"/kpi/pay-statements/{month.pay_statement.pk}/",
    ):
        html = client.get(url).content.decode()
        heading = re.search(r"<h1>(.*?)</h1>", html, re.S)[1]
        assert heading.strip(), url
        assert "<p><label" not in html, url  # no form.as_p
        buttons = re.findall(r"<button [^>]*>", html)
        assert buttons and all('class="btn' in b for b in buttons), (url, buttons)
