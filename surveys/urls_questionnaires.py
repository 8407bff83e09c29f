from django.urls import path

app_name = "questionnaires"
urlpatterns: list = [
    path("", lambda request: None, name="list"),  # replaced by the questionnaire views
]
