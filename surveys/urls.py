from django.urls import include, path

urlpatterns = [
    path("questionnaires/", include("surveys.urls_questionnaires")),
    path("campaigns/", include("surveys.urls_campaigns")),
    path("responses/", include("surveys.urls_responses")),
]
