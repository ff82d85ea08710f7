from django.urls import path

from . import views

app_name = "contract_app"
url_prefix = "contract/"
urlpatterns = [path("samples/", views.sample_list, name="list")]
