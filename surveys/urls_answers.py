app_name = "answers"
urlpatterns: list = []
