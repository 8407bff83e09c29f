from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from satisfaction import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
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
    path("agencies/", include("agencies.urls")),
    path("", include("surveys.urls")),
    path("results/", include("reports.urls")),
    path("exports/", include("reports.urls_centre")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Satisfaction – quản trị hệ thống"
admin.site.site_title = "Satisfaction"
