auth_urlpatterns = []


def register(router):
    pass
