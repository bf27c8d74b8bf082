"""The page helpers of gendan.web: a posted form → one service → redirect, htmx
fragment, or the page again with the errors."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from gendan.exceptions import GuardFailed
from gendan.web import action_forms, form_action, object_action
from orders.forms.base import ActionForm


class NoteForm(forms.Form):
    note = forms.CharField()


class NoteAction(ActionForm):
    name, success = "note", "noted"
    note = forms.CharField()

    @classmethod
    def is_available(cls, user, obj) -> bool:
        return True

    def submit(self, *, actor, obj):
        return f"{obj}:{self.cleaned_data['note']}"


def _post(data, *, htmx=False):
    request = RequestFactory().post("/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = htmx
    request.user = None
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _again(form) -> HttpResponse:
    return HttpResponse(f"again {sorted(form.errors)}", status=200)


def test_a_valid_form_calls_the_service_once_then_redirects_with_its_message():
    request = _post({"note": "hi"})
    form = NoteForm(request.POST)
    calls = []

    response = form_action(
        request,
        form,
        lambda: calls.append(form.cleaned_data["note"]) or 7,
        success=lambda result: f"saved {result}",
        done=lambda result: f"/done/{result}/",
        again=_again,
    )

    assert calls == ["hi"]
    assert (response.status_code, response["Location"]) == (302, "/done/7/")
    assert _messages(request) == [("success", "saved 7")]


def test_an_invalid_form_calls_nothing_and_shows_the_page_again():
    request = _post({})
    form = NoteForm(request.POST)

    response = form_action(request, form, pytest.fail, done="/done/", again=_again)

    assert response.content == b"again ['note']"
    assert _messages(request) == [("error", "请检查标出的输入。")]


def test_a_refused_call_puts_its_field_errors_on_the_form_and_shows_the_page_again():
    request = _post({"note": "hi"})
    form = NoteForm(request.POST)

    def refuse():
        raise GuardFailed("no", fields={"note": ["too short"]})

    response = form_action(request, form, refuse, success="never", done="/done/", again=_again)

    assert response.content == b"again ['note']"
    assert form.errors["note"] == ["too short"]
    assert _messages(request) == [("error", "no")]


def test_without_a_page_to_show_again_a_refusal_redirects_with_its_message():
    request = _post({})
    form = NoteForm(request.POST)

    response = form_action(request, form, pytest.fail, invalid="fill it in", done="/back/")

    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert _messages(request) == [("error", "fill it in")]


@pytest.mark.parametrize("data, ok", [({"note": "hi"}, True), ({}, False)])
def test_htmx_gets_the_fragment_whether_the_call_succeeded_or_not(data, ok):
    request = _post(data, htmx=True)
    form = NoteForm(request.POST)

    response = form_action(
        request,
        form,
        lambda: None,
        done="/done/",
        partial=lambda succeeded: HttpResponse(f"row {succeeded}"),
    )

    assert response.content == f"row {ok}".encode()


def test_an_object_action_is_404_for_an_unknown_action_or_an_invisible_object():
    actions = {"note": NoteAction}
    for action, obj in (("other", "order"), ("note", None)):
        with pytest.raises(Http404):
            object_action(_post({"note": "x"}), actions, action, obj, done="/", again=_again)


def test_an_object_action_takes_its_form_and_the_bound_form_replaces_the_blank_one():
    request = _post({})
    bound = NoteAction(request.POST)
    actions = {"note": NoteAction}

    response = object_action(request, actions, "note", "order", done="/", again=_again)
    context = action_forms(None, actions, "order", bound)

    assert response.content == b"again ['note']"
    assert context == {"actions": [bound], "open_action": "note"}
    assert not action_forms(None, actions, "order")["actions"][0].is_bound
