from django.urls import path

from surveys.views import responses as views

app_name = "responses"
urlpatterns = [
    path("<slug:code>/template.xlsx", views.paper_template, name="paper_template"),
    path("<slug:code>/import/", views.paper_import, name="paper_import"),
]
