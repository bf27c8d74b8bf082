from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Gendan user; roles are Django groups (gendan.roles.Role)."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Sequence(models.Model):
    """A named counter for document numbers (orders, production orders, shipments).

    Numbers are taken with an atomic UPDATE … SET last = last + 1, which holds the
    row lock until the surrounding transaction commits: two transactions never
    get the same number.
    """

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class Holiday(models.Model):
    """A day that breaks the Monday–Friday rule: a public holiday, or a make-up
    working day on a weekend (调休上班, ``is_working_day=True``)."""

    date = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_working_day = models.BooleanField(
        _("调休上班"), default=False, help_text=_("勾选表示这是周末补班的工作日。")
    )

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
