"""WeCom (企业微信) and DingTalk (钉钉) group robots: a team's group is told, in Chinese,
with a link back to the object.

The messages are the robots' documented markdown messages:

- WeCom: ``POST <webhook>`` ``{"msgtype": "markdown", "markdown": {"content": …}}``;
- DingTalk: ``POST <webhook>`` ``{"msgtype": "markdown", "markdown": {"title": …,
  "text": …}}``; with a signing secret ("加签") the URL carries ``timestamp`` (ms) and
  ``sign`` = URL-encoded Base64 of HMAC-SHA256(secret, ``timestamp + "\\n" + secret``).

Both answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``; another errcode is a
failure (retried like any other).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from django.utils.translation import gettext as _

from .channels import Channel, SendFailed, dumps, post_json
from .models import GroupRobot, OutboxEvent, RobotPlatform, matches


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign`` parameter (URL-encoded) for ``timestamp_ms``."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(robot: GroupRobot, timestamp_ms: int | None = None) -> str:
    if robot.platform != RobotPlatform.DINGTALK or not robot.secret:
        return robot.webhook_url
    timestamp_ms = timestamp_ms or int(time.time() * 1000)
    joiner = "&" if "?" in robot.webhook_url else "?"
    return (
        f"{robot.webhook_url}{joiner}timestamp={timestamp_ms}"
        f"&sign={dingtalk_sign(robot.secret, timestamp_ms)}"
    )


def markdown(event: OutboxEvent) -> str:
    lines = [f"**{event.title}**"]
    lines += [line for line in event.text.splitlines() if line.strip()]
    if event.url:
        lines.append(f"[{_('在跟单系统中查看')}]({event.url})")
    return "\n\n".join(lines)


def message(robot: GroupRobot, event: OutboxEvent) -> dict:
    """The robot's JSON message for ``event``."""
    text = markdown(event)
    if robot.platform == RobotPlatform.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": event.title[:64], "text": text}}
    # WeCom's markdown content is at most 4096 bytes.
    content = text.encode()[:4000].decode(errors="ignore")
    return {"msgtype": "markdown", "markdown": {"content": content}}


class RobotChannel(Channel):
    name = "robot"

    def targets(self, event):
        robots = GroupRobot.objects.filter(is_active=True).prefetch_related("members")
        found = []
        for robot in robots:
            if not matches(robot.event_types, event.topic):
                continue
            members = {user.pk for user in robot.members.all()}
            if members and event.owner_id not in members:
                continue
            found.append(str(robot.pk))
        return found

    def active(self):
        return GroupRobot.objects.filter(is_active=True).exists()

    def listens(self, topic):
        robots = GroupRobot.objects.filter(is_active=True).values_list("event_types", flat=True)
        return any(matches(types, topic) for types in robots)

    def send(self, delivery, session):
        robot = GroupRobot.objects.filter(pk=int(delivery.target)).first()
        if robot is None or not robot.is_active:
            return None
        body = dumps(message(robot, delivery.event))
        response = post_json(session, signed_url(robot), body)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if answer.get("errcode", 0) != 0:
            raise SendFailed(
                f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:500],
                response.status_code,
            )
        return response.status_code
