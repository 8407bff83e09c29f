from django.urls import path

from reports import views_centre

app_name = "report_centre"
urlpatterns = [
    path("", views_centre.centre, name="list"),
    path("new/", views_centre.report_new, name="new"),
    path("<int:pk>/", views_centre.job_detail, name="job"),
    path("<int:pk>/status/", views_centre.job_status, name="status"),
    path("<int:pk>/download/", views_centre.job_download, name="download"),
    path("<int:pk>/retry/", views_centre.job_retry, name="retry"),
]
