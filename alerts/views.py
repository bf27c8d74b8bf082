"""The alert inbox pages: my alerts, and acknowledging one."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gendan.exceptions import NotFound
from gendan.lists import filter_page
from gendan.web import form_action, page
from notify import services as notify_services
from notify.models import EmailMode

from . import selectors, services
from .filters import AlertFilterSet

HOME_ALERTS = 8
INBOX_PAGE_SIZE = 30


def home_section(request: HttpRequest) -> dict:
    """My unread alerts on the home page (registered by ``AlertsConfig.ready()``)."""
    alerts = selectors.alert_list_for(request.user, unread=True, digest=False)
    return {"alerts": alerts[:HOME_ALERTS]}


@page("alerts")
def alert_inbox(request: HttpRequest) -> HttpResponse:
    """My alerts: the open ones (not acknowledged) that came to me, not by role, by
    default; all of them with ``show=all``; or those the filters of AlertFilterSet
    name (``?rule=…&day=…``: the links of the daily digest)."""
    filtered = any(request.GET.get(name) for name in AlertFilterSet.base_filters)
    show_all = request.GET.get("show") == "all" or filtered
    alerts = selectors.alert_list_for(
        request.user,
        acknowledged=None if show_all else False,
        digest=None if show_all else False,
    )
    if filtered:
        alerts = filter_page(AlertFilterSet, request, alerts).qs
    query = request.GET.copy()
    query.pop("page", None)
    page_obj = Paginator(alerts, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/inbox.html",
        {"page_obj": page_obj, "show_all": show_all, "query": query.urlencode()},
    )


@require_POST
@page("alerts")
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge one alert of my inbox (htmx: the row is replaced in place)."""
    try:
        services.alert_acknowledge(actor=request.user, alert_id=alert_id)
    except NotFound:
        raise Http404 from None
    if request.htmx:
        alert = selectors.alert_get_for(request.user, alert_id)
        return render(request, "alerts/_row.html", {"alert": alert})
    messages.success(request, _("已确认提醒。"))
    return redirect("alerts")


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("邮件提醒"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        help_text=_("按角色收到的提醒不逐条通知，每天汇总一次。"),
    )


@page("alerts")
def alert_preferences(request: HttpRequest) -> HttpResponse:
    """How my alerts reach me by e-mail: as they happen, a daily digest, or none."""
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        return form_action(
            request,
            form,
            lambda: notify_services.notification_preference_set(
                actor=request.user, email=form.cleaned_data["email"]
            ),
            done=reverse("alert_preferences"),
            success=_("已保存提醒设置。"),
            again=lambda f: render(request, "alerts/preferences.html", {"form": f}),
        )
    form = PreferenceForm(initial={"email": notify_services.email_mode_of(request.user)})
    return render(request, "alerts/preferences.html", {"form": form})
