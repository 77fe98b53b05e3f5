"""The rest of "acting on the cluster" in Debian's Chromium: cordon a node from a pod's panel
and see new pods go elsewhere; edit an object as YAML; import a multi-document YAML and read its
per-document report; delete a Service, only once the confirmation is accepted."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.e2e.support import Api

pytestmark = pytest.mark.slow

DEMO_PODS = "/api/v1/namespaces/default/pods?labelSelector=run%3Dload-balancer-example"
IMPORT = """\
apiVersion: v1
kind: Service
metadata:
  name: imported
spec:
  selector:
    run: load-balancer-example
  ports:
  - port: 81
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: broken
spec:
  ports:
  - port: 0
"""


def by_testid(page: Any, testid: str) -> Any:
    return page.locator(f'[data-testid="{testid}"]')


def in_view(page: Any, node_id: str) -> bool:
    return page.evaluate("(id) => window.portolan.view().nodes.some(n => n.id === id)", node_id)


def test_cordon_a_node_from_a_pod_and_new_pods_go_elsewhere(page: Any, api: Api) -> None:
    pods = sorted(api.ok("get", DEMO_PODS)["items"], key=lambda p: p["metadata"]["name"])
    before = {p["metadata"]["name"] for p in pods}
    pod = pods[0]
    node = pod["spec"]["nodeName"]
    page.evaluate("(id) => window.portolan.select(id)", f"pod:default/{pod['metadata']['name']}")
    by_testid(page, f"object-action-cordon-{node}").click()
    page.wait_for_function(
        "(n) => window.portolan.store.get('Node', '', n)?.spec?.unschedulable === true", arg=node
    )
    assert api.ok("get", f"/api/v1/nodes/{node}")["spec"]["unschedulable"] is True

    api.ok(
        "patch",
        "/apis/apps/v1/namespaces/default/deployments/hello-world",
        {"spec": {"replicas": 5}},
    )
    page.wait_for_function(
        """() => window.portolan.view().nodes.filter(
             n => n.type === 'pod' && n.name.startsWith('hello-world-') && n.data.ready).length === 5""",
        timeout=30000,
    )
    placed = page.evaluate(
        """() => window.portolan.view().nodes
             .filter(n => n.type === 'pod' && n.name.startsWith('hello-world-'))
             .map(n => [n.name, n.data.node])"""
    )
    new = [(name, where) for name, where in placed if name not in before]
    assert len(new) == 3 and all(where != node for _, where in new), (node, new)


def test_edit_a_service_as_yaml(page: Any, api: Api) -> None:
    page.evaluate("() => window.portolan.select('svc:default/example-service')")
    by_testid(page, "object-action-yaml").click()
    text = by_testid(page, "yaml-text")
    text.wait_for(state="visible")
    doc = yaml.safe_load(text.input_value())
    assert doc["kind"] == "Service" and doc["metadata"]["name"] == "example-service"
    doc["metadata"].setdefault("labels", {})["tier"] = "front"
    text.fill(yaml.safe_dump(doc))
    by_testid(page, "yaml-save").click()
    by_testid(page, "yaml-dialog").wait_for(state="hidden")
    service = api.ok("get", "/api/v1/namespaces/default/services/example-service")
    assert service["metadata"]["labels"]["tier"] == "front"
    page.wait_for_function(
        "() => window.portolan.store.get('Service', 'default', 'example-service')"
        "?.metadata?.labels?.tier === 'front'"
    )


def test_import_reports_each_document_and_delete_asks_first(page: Any, api: Api) -> None:
    by_testid(page, "toolbar-action-import-yaml").click()
    by_testid(page, "import-dialog").wait_for(state="visible")
    by_testid(page, "import-text").fill(IMPORT)
    by_testid(page, "import-apply").click()
    by_testid(page, "import-report").wait_for(state="visible")
    assert by_testid(page, "import-row-0").get_attribute("data-result") == "created"
    assert by_testid(page, "import-row-1").get_attribute("data-result") == "invalid"
    assert "spec.ports[0].port" in by_testid(page, "import-row-1").inner_text()
    assert api.get("/api/v1/namespaces/default/services/broken")[0] == 404
    by_testid(page, "import-close").click()
    page.wait_for_function(
        "() => window.portolan.view().nodes.some(n => n.id === 'svc:default/imported')"
    )

    page.evaluate("() => window.portolan.select('svc:default/imported')")
    by_testid(page, "object-action-delete").click()
    by_testid(page, "confirm-dialog").wait_for(state="visible")
    by_testid(page, "confirm-cancel").click()
    assert api.get("/api/v1/namespaces/default/services/imported")[0] == 200

    by_testid(page, "object-action-delete").click()
    by_testid(page, "confirm-ok").click()
    page.wait_for_function(
        "() => !window.portolan.view().nodes.some(n => n.id === 'svc:default/imported')"
    )
    assert api.get("/api/v1/namespaces/default/services/imported")[0] == 404
    assert not in_view(page, "svc:default/imported")
