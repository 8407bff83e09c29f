"""Officials' set-up of a campaign's collection channels, mounted at /collect/."""

from django.urls import path

from surveys.views import collect as views

app_name = "collect"
urlpatterns = [
    path("<slug:code>/", views.collect_index, name="index"),
    path("<slug:code>/qr.svg", views.open_qr, name="open_qr"),
    path("<slug:code>/poster/", views.poster, name="poster"),
    path("<slug:code>/kiosks/", views.kiosks, name="kiosks"),
    path(
        "<slug:code>/kiosks/<int:pk>/deactivate/", views.kiosk_deactivate, name="kiosk_deactivate"
    ),
    path("<slug:code>/kiosks/<int:pk>/qr.svg", views.kiosk_qr, name="kiosk_qr"),
    path("<slug:code>/invitations/", views.invitations, name="invitations"),
    path("<slug:code>/invitations.csv", views.invitations_csv, name="invitations_csv"),
    path("<slug:code>/invitations/<int:pk>/qr.svg", views.invitation_qr, name="invitation_qr"),
]
