from __future__ import annotations

from typing import Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import user_ref


class Singleton(models.Model):
    """A settings table of one row (id 1), edited in the admin: ``load()`` reads it,
    creating it with the fields' defaults if it is missing. A concrete subclass adds
    ``singleton_constraint(name)`` to its Meta's constraints."""

    SINGLETON_ID = 1

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> Self:
        """The settings row (created with the defaults if it is missing)."""
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return obj


def singleton_constraint(name: str) -> models.CheckConstraint:
    """The check that keeps a ``Singleton`` table to its one row."""
    return models.CheckConstraint(condition=Q(id=Singleton.SINGLETON_ID), name=name)


class User(AbstractUser):
    """A Gendan user; roles are Django groups (gendan.roles.Role).

    A password change (``set_password`` or ``set_unusable_password``, then ``save``:
    the password change page, the admin, ``changepassword``) stamps
    ``password_changed_at`` and deletes the user's API tokens issued before it; the
    token authentication also refuses any token older than the stamp
    (``gendan.api.authentication``), so a token never outlives the password it was
    obtained with."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    password_changed_at = models.DateTimeField(
        _("密码修改时间"), null=True, blank=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        swappable = "AUTH_USER_MODEL"

    # What ``__str__`` reads: a list of people needs no more (``label``).
    LABEL_FIELDS = ("display_name", "first_name", "last_name", "username")

    def __str__(self) -> str:
        return self.label(*(getattr(self, name) for name in self.LABEL_FIELDS))

    @staticmethod
    def label(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """How a person is named on every page: ``__str__`` from ``LABEL_FIELDS``."""
        return display_name or f"{first_name} {last_name}".strip() or username

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_replaced = True

    def save(self, *args, **kwargs) -> None:
        # Django keeps the new raw password in ``_password`` until the save (a hash
        # upgrade at login clears it first: that is no change of password).
        update_fields = kwargs.get("update_fields")
        replaced = (self._password is not None or getattr(self, "_password_replaced", False)) and (
            update_fields is None or "password" in update_fields
        )
        if replaced:
            self.password_changed_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)
        if replaced:
            self._password_replaced = False
            # Tokens issued before the change die with the old password (knox's tokens).
            self.auth_token_set.filter(created__lt=self.password_changed_at).delete()


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


class ApiScope(models.TextChoices):
    """What a machine client's token may touch (people's tokens are limited by roles only)."""

    CUSTOMERS_READ = "customers:read", _("读取客户")
    CUSTOMERS_WRITE = "customers:write", _("新建和修改客户")
    PRODUCTS_READ = "products:read", _("读取产品")
    PRODUCTS_WRITE = "products:write", _("新建和修改产品")
    ORDERS_READ = "orders:read", _("读取订单")
    ORDERS_WRITE = "orders:write", _("新建和修改订单")
    PAYMENTS_READ = "payments:read", _("读取收付款")
    PRODUCTION_READ = "production:read", _("读取生产数据")
    SHIPMENTS_READ = "shipments:read", _("读取出货和售后")
    WEBHOOKS_READ = "webhooks:read", _("读取 Webhook 订阅")
    WEBHOOKS_WRITE = "webhooks:write", _("管理 Webhook 订阅")


# An ERP's usual needs: create and read orders, customers and products; read the rest.
DEFAULT_API_SCOPES = [
    ApiScope.CUSTOMERS_READ,
    ApiScope.CUSTOMERS_WRITE,
    ApiScope.PRODUCTS_READ,
    ApiScope.PRODUCTS_WRITE,
    ApiScope.ORDERS_READ,
    ApiScope.ORDERS_WRITE,
    ApiScope.PAYMENTS_READ,
    ApiScope.SHIPMENTS_READ,
    ApiScope.WEBHOOKS_READ,
    ApiScope.WEBHOOKS_WRITE,
]


class ApiClient(models.Model):
    """A machine client of the API (an ERP): a user in the ``integration`` group whose
    tokens may only touch its ``scopes``. Its tokens are knox tokens (hashed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_client",
    )
    name = models.CharField(_("名称"), max_length=100, unique=True)
    scopes = models.JSONField(_("权限范围"), default=list)
    default_owner = user_ref(
        _("默认跟单员"),
        on_delete=models.SET_NULL,
        optional=True,
        related_name="+",
        help_text=_("接口新建订单未指定跟单员时使用。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyKey(models.Model):
    """A POST's ``Idempotency-Key``: the first request's fingerprint and response, kept
    24 hours per caller. The row is inserted (and committed) before the request runs;
    ``status_code`` stays empty until its response is stored, in the same transaction
    as the request's own changes."""

    user = user_ref(_("调用方"), on_delete=models.CASCADE)
    key = models.CharField(_("幂等键"), max_length=255)
    fingerprint = models.CharField(_("请求指纹"), max_length=64)
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=2000)
    status_code = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    response_body = models.TextField(_("响应内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
