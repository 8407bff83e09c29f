from django.urls import path

from surveys.views import questionnaires as views

app_name = "questionnaires"
urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("<int:pk>/", views.questionnaire_detail, name="detail"),
    path("<int:pk>/preview/", views.questionnaire_preview, name="preview"),
    path("<int:pk>/clone/", views.questionnaire_clone, name="clone"),
    path("<int:pk>/new-version/", views.questionnaire_new_version, name="new_version"),
    path("<int:pk>/publish/", views.questionnaire_publish, name="publish"),
    path("<int:pk>/edit/", views.questionnaire_edit, name="edit"),
    path("<int:pk>/delete/", views.questionnaire_delete, name="delete"),
    path("<int:pk>/elements/new/", views.element_create, name="element_create"),
    path("elements/<int:pk>/edit/", views.element_edit, name="element_edit"),
    path("elements/<int:pk>/delete/", views.element_delete, name="element_delete"),
    path("elements/<int:pk>/move/", views.element_move, name="element_move"),
    path("elements/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
]
