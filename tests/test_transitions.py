"""The transition kit (gendan.transitions.Transitions) on a small table of its own."""

from types import SimpleNamespace

import pytest
from django.db import models

from gendan.exceptions import InvalidTransition
from gendan.transitions import Transitions


class Light(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    OFF = "off", "Off"


TABLE = {
    "go": ({Light.RED, Light.AMBER}, Light.GREEN),
    "switch_off": (frozenset(set(Light) - {Light.OFF}), Light.OFF),
    "look": ([Light.RED, Light.AMBER, Light.GREEN], None),
}
LIGHTS = Transitions(Light, TABLE)


def _light(status):
    return SimpleNamespace(status=status, name="crossing 4")


def test_ensure_returns_the_target_of_an_allowed_action():
    assert LIGHTS.ensure(_light(Light.RED), "go") == Light.GREEN
    assert LIGHTS.ensure(_light(Light.GREEN), "look") is None


def test_ensure_refuses_an_action_its_status_does_not_allow_with_code_status_and_action():
    with pytest.raises(InvalidTransition) as refused:
        LIGHTS.ensure(_light(Light.GREEN), "go")
    assert refused.value.code == "invalid_transition"
    assert refused.value.data == {"status": "green", "action": "go"}
    assert refused.value.as_dict()["status"] == "green"
    assert str(refused.value.message) == str(InvalidTransition.default_message)


def test_the_refusal_names_the_object_with_describe_or_a_message_of_the_call():
    described = Transitions(Light, TABLE, describe=lambda obj, action: f"{obj.name}: no {action}")
    with pytest.raises(InvalidTransition) as refused:
        described.ensure(_light(Light.OFF), "look")
    assert refused.value.message == "crossing 4: no look"
    with pytest.raises(InvalidTransition) as refused:
        described.ensure(_light(Light.OFF), "look", message="switch it on first")
    assert refused.value.message == "switch it on first"
    assert refused.value.code == "invalid_transition"


@pytest.mark.parametrize("status", Light.values)
@pytest.mark.parametrize("action", sorted(TABLE))
def test_can_and_allowed_from_answer_from_the_table(status, action):
    sources = {str(s) for s in TABLE[action][0]}
    assert LIGHTS.can(status, action) is (status in sources)
    assert LIGHTS.allowed_from(action) == frozenset(sources)
    assert isinstance(LIGHTS.allowed_from(action), frozenset)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        LIGHTS.can(Light.RED, "fly")


def test_a_table_naming_a_status_that_does_not_exist_is_refused_at_once():
    with pytest.raises(ValueError, match="blue"):
        Transitions(Light, {"go": ({"blue"}, Light.GREEN)})
    with pytest.raises(ValueError, match="purple"):
        Transitions(Light, {"go": ({Light.RED}, "purple")})
