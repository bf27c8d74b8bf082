"""The people of the demo company: who logs in, with which role (the password of all
of them is ``DEMO_PASSWORD``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group

from gendan.models import User
from gendan.roles import Role

DEMO_PASSWORD = "gendan-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str | None
    is_superuser: bool = False


USERS = (
    DemoUser("merch1", "张跟单", Role.MERCHANDISER),
    DemoUser("merch2", "李跟单", Role.MERCHANDISER),
    DemoUser("supervisor", "王主管", Role.SUPERVISOR),
    DemoUser("finance", "赵财务", Role.FINANCE),
    DemoUser("production", "陈计划", Role.PRODUCTION),
    DemoUser("erp", "ERP 接口", Role.INTEGRATION),
    DemoUser("admin", "系统管理员", None, is_superuser=True),
)


def seed_users() -> tuple[dict[str, User], tuple[int, int]]:
    """The demo users by username (made when missing, left alone when there), and how
    many were made and how many were already there."""
    cast, created = {}, 0
    for demo in USERS:
        user, is_new = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "display_name": demo.display_name,
                "email": f"{demo.username}@gendan-demo.example",
                "is_staff": demo.is_superuser,
                "is_superuser": demo.is_superuser,
            },
        )
        if is_new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        if demo.role:
            user.groups.add(Group.objects.get(name=demo.role))
        cast[demo.username] = user
    return cast, (created, len(USERS) - created)
