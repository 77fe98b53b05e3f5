from django.urls import path, re_path

from cluster.api import discovery, dnsview, openapi, portolan, traffic
from cluster.api.manifests import ApplyView
from cluster.api.views import ResourceView

resource = ResourceView.as_view()
NAMESPACED = "portolan/v1/namespaces/<str:namespace>"

urlpatterns = [
    path("version", discovery.version),
    path("version/", discovery.version),
    path("api", discovery.api_root),
    path("api/", discovery.api_root),
    path("api/v1", discovery.core_v1),
    path("api/v1/", discovery.core_v1),
    re_path(r"^api/(?P<version>v1)/(?P<rest>.+)$", resource),
    path("apis", discovery.apis_root),
    path("apis/", discovery.apis_root),
    re_path(r"^apis/(?P<group>[^/]+)/?$", discovery.group_root),
    re_path(r"^apis/(?P<group>[^/]+)/(?P<version>[^/]+)/?$", discovery.group_version),
    re_path(r"^apis/(?P<group>[^/]+)/(?P<version>[^/]+)/(?P<rest>.+)$", resource),
    path("openapi/v3", openapi.root),
    path("openapi/v3/", openapi.root),
    re_path(r"^openapi/v3/(?P<path>.+)$", openapi.group_version_doc),
    # Portolan's own endpoints beside the Kubernetes API.
    path("portolan/v1/apply", ApplyView.as_view()),
    # the browser's service form and pod actions (cluster/api/portolan.py)
    path(f"{NAMESPACED}/servicepreview", portolan.ServicePreviewView.as_view()),
    path(f"{NAMESPACED}/pods/<str:name>/readiness", portolan.PodReadinessView.as_view()),
    # Services' data path: traffic, kube-proxy rules, environment (cluster/api/traffic.py)
    path("portolan/v1/traffic", traffic.TrafficView.as_view()),
    path(f"{NAMESPACED}/services/<str:name>/proxyrules", traffic.ProxyRulesView.as_view()),
    path(f"{NAMESPACED}/pods/<str:name>/environment", traffic.PodEnvironmentView.as_view()),
    path(f"{NAMESPACED}/services/<str:name>/environment", traffic.ServiceEnvironmentView.as_view()),
    # a pod's DNS: its resolv.conf and "resolve this name from this pod" (cluster/api/dnsview.py)
    path(f"{NAMESPACED}/pods/<str:name>/resolvconf", dnsview.PodResolvConfView.as_view()),
    path(f"{NAMESPACED}/pods/<str:name>/resolve", dnsview.PodResolveView.as_view()),
]
