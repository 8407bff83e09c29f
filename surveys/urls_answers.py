from django.urls import path

from surveys.views import answers as views

app_name = "answers"
urlpatterns = [
    path("", views.answer_list, name="list"),
    path("<int:pk>/", views.answer_detail, name="detail"),
    path("<int:pk>/reject/", views.answer_reject, name="reject"),
    path("<int:pk>/restore/", views.answer_restore, name="restore"),
    path("entry/<int:campaign_id>/", views.answer_entry, name="entry"),
    path("print/<int:campaign_id>/", views.answer_print, name="print"),
]
