"""WeCom and DingTalk group robots against local receivers (processes of their own)
that check the messages against the robots' documented JSON and DingTalk's signature."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from notify import dispatch
from notify.models import Delivery, DeliveryStatus, GroupRobot, RobotPlatform
from orders import services as order_services
from tests.factories import create_order

pytestmark = pytest.mark.django_db(transaction=True)

DINGTALK_SECRET = "SEC0123456789abcdef"


def robot(platform, url, members, secret="", types=("order.*",)) -> GroupRobot:
    robot = GroupRobot.objects.create(
        name=f"{platform} team",
        platform=platform,
        webhook_url=url,
        secret=secret,
        event_types=list(types),
    )
    robot.members.set(members)
    return robot


def test_wecom_and_dingtalk_groups_get_chinese_markdown_linking_to_the_order(cast, start_receiver):
    wecom = start_receiver("wecom")
    dingtalk = start_receiver("dingtalk", secret=DINGTALK_SECRET)
    # The two events this test reads (confirming may also add others, such as the plan's).
    types = ("order.created", "order.status_changed")
    url = wecom.url("/cgi-bin/webhook/send?key=team-a")
    robot(RobotPlatform.WECOM, url, [cast.merchandiser], types=types)
    robot(
        RobotPlatform.DINGTALK,
        dingtalk.url("/robot/send?access_token=team-a"),
        [cast.merchandiser],
        secret=DINGTALK_SECRET,
        types=types,
    )
    order = create_order(cast)
    order_services.order_confirm(actor=cast.merchandiser, order_id=order.pk, method="fax")

    dispatch.dispatch()

    link = "https://gendan.example.com" + reverse("orders:detail", args=[order.pk])
    [created, confirmed] = [json.loads(e["body"]) for e in wecom.entries()]
    assert all(e["verified"] for e in wecom.entries())
    assert wecom.entries()[0]["query"] == {"key": ["team-a"]}
    assert created["msgtype"] == "markdown"
    content = confirmed["markdown"]["content"]
    assert f"订单 {order.number}" in content and "状态变更" in content
    assert "草稿 → 已确认" in content
    assert f"[在跟单系统中查看]({link})" in content

    entries = dingtalk.entries()
    assert len(entries) == 2 and all(e["verified"] for e in entries)
    assert entries[1]["query"]["access_token"] == ["team-a"]
    message = json.loads(entries[1]["body"])
    assert message["msgtype"] == "markdown"
    assert order.number in message["markdown"]["title"]
    assert link in message["markdown"]["text"]
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 4


def test_a_bad_dingtalk_signature_is_an_error_retried_and_other_teams_hear_nothing(
    cast, start_receiver
):
    dingtalk = start_receiver("dingtalk", secret=DINGTALK_SECRET)
    robot(
        RobotPlatform.DINGTALK,
        dingtalk.url("/robot/send?access_token=a"),
        [cast.merchandiser],
        secret="SECwrong",
    )
    other_team = start_receiver("wecom")
    robot(RobotPlatform.WECOM, other_team.url("/send?key=b"), [cast.other_merchandiser])

    create_order(cast)
    dispatch.dispatch()

    [entry] = dingtalk.entries()
    assert entry["verified"] is False
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "errcode 310000" in delivery.last_error
    assert other_team.entries() == []
