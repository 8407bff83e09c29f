from django.urls import include, path

urlpatterns = [
    path("questionnaires/", include("surveys.urls_questionnaires")),
    path("campaigns/", include("surveys.urls_campaigns")),
    path("responses/", include("surveys.urls_responses")),
    path("collect/", include("surveys.urls_collect")),
    path("answers/", include("surveys.urls_answers")),
    path("", include("surveys.urls_public")),
]
