"""Web pages (being written)."""
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

class LoginView(auth_views.LoginView):
    pass

def _todo(*a, **k):  # placeholder during bootstrap
    return HttpResponse("")

home = places = division = division_grids_geojson = grid_detail = reveal_personal_data = organisations = audit_log = _todo
