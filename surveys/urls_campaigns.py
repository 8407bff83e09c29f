from django.urls import path

app_name = "campaigns"
urlpatterns: list = [
    path("", lambda request: None, name="list"),  # replaced by the campaign views
]
