from django.urls import path

from surveys.views import campaigns as views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/scope/", views.campaign_scope, name="scope"),
    path("<int:pk>/transition/", views.campaign_transition, name="transition"),
]
