"""The citizen's pages, mounted at the site root; no login."""

from django.urls import path

from surveys.views import public as views

app_name = "public"
urlpatterns = [
    # Before "s/<code>/...": a token never reads as a campaign code followed by a page name.
    path("s/t/<str:token>/", views.invitation, name="invitation"),
    path("s/<slug:code>/", views.open_link, name="open"),
    path("s/<slug:code>/done/", views.open_done, name="open_done"),
    path("k/<slug:key>/", views.kiosk_start, name="kiosk"),
    path("k/<slug:key>/answer/", views.kiosk_answer, name="kiosk_answer"),
    path("k/<slug:key>/done/", views.kiosk_done, name="kiosk_done"),
]
