from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("campaign/<int:pk>/", views.campaign_overview, name="campaign"),
    path("campaign/<int:pk>/agency/<int:agency_pk>/", views.agency_page, name="agency"),
    path("campaign/<int:pk>/recompute/", views.campaign_recompute, name="recompute"),
    path("campaign/<int:pk>/weights/", views.campaign_weights, name="weights"),
    path("public/<slug:code>/", views.public_results, name="public"),
    path("public/<slug:code>/summary.xlsx", views.public_summary, name="public_summary"),
]
