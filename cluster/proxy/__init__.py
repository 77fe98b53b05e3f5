"""The data path of Services (discovery.md §2, §4, §5).

- :mod:`.serviceports`  what kube-proxy knows of each service port and its endpoints (pure)
- :mod:`.rules`         CategorizeEndpoints and what a new connection meets on a node (pure)
- :mod:`.view`          the kube-proxy view of one Service for the API and the UI (pure)
- :mod:`.traffic_input` a traffic request's source, destination and DNS answer (pure)
- :mod:`.traffic`       simulated connections through the rules (pure)
- :mod:`.podhttp`       what a simulated container answers on a port (pure)
- :mod:`.portforward`   ``kubectl port-forward``'s pod and port choice (pure)
- :mod:`.environment`   the service environment variables of a pod and of a Service (pure)
- :mod:`.reads`         the database reads behind the views and the simulation
"""
