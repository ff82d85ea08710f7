

app_name = "orgs"
urlpatterns = [
]
