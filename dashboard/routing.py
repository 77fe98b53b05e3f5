from django.urls import path

from dashboard.consumers import TopologyConsumer

websocket_urlpatterns = [
    path("ws/topology", TopologyConsumer.as_asgi()),
]
