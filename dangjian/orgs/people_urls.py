# People pages (names in the "orgs" namespace: orgs:person_list, ...).
urlpatterns = []
