from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults

from cluster.api import errors as api_errors
from dashboard import views

API_PREFIXES = ("/api", "/apis", "/version", "/openapi", "/portolan")

urlpatterns = [
    path("", views.index, name="index"),
    path("login", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("cluster.api.urls")),
]


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return api_errors.handler404(request, exception)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return api_errors.handler500(request)
    return defaults.server_error(request)
