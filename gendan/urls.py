from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

# An unreachable database raised outside a view is a 503 too (gendan.middleware).
handler500 = "gendan.middleware.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    # Browsers ask for it on pages that name no icon (the admin's).
    path("favicon.ico", views.favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the pages: a path is matched against the patterns in order, and each of the
    # apps' includes below tries all of its own (an API request went through some 300
    # patterns to reach the API's: 0.25-0.4 ms). No page path starts with api/.
    path("api/", include(("gendan.api.urls", "api"))),
    path("admin/", admin.site.urls),
    # The pages of each app; their paths carry their own prefixes (orders/, finance/, …).
    path("", include("orders.urls")),
    path("", include("production.urls")),
    path("", include("shipping.urls")),
    path("", include("samples.urls")),
    path("", include("planning.urls")),
    path("", include("conversation.urls")),
    path("kpi/", include("kpi.urls")),
    path("", include("alerts.urls")),
]

# No route serves MEDIA_ROOT, not even with DEBUG: uploaded files are downloaded only
# through views that check who may see them (gendan.uploads.download_response).
