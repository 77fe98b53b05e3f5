// Which actions the UI offers for the toolbar and for a selected object, and what they do.
// Deciding is pure (tested in node); running opens the dialogs or calls the API. Write actions
// are hidden when the user may not write (boot.mayWrite false); node writes also need a
// cluster-wide grant (boot.namespaces === null).

import { RESOURCES, apiFor, resourcePath } from "../api.js";
import { deleteWithConfirmation, describeObject, openScale, showError } from "./dialogs.js";
import { openServiceForm } from "./service-form.js";
import { openImport, openYaml } from "./yaml-dialog.js";
import { isPodReady } from "../model/rules.js";

export { isPodReady };

export function isCordoned(node) {
  return !!node?.spec?.unschedulable;
}

/** Run an action; a refusal from the server is shown to the user, never thrown. */
function guarded(title, fn) {
  return async () => {
    try {
      return await fn();
    } catch (err) {
      if (err && err.name === "AbortError") return undefined;
      await showError(title, err);
      return undefined;
    }
  };
}

export function toolbarActions(ctx) {
  if (!ctx?.boot?.mayWrite) return [];
  return [
    { label: "New service", testid: "action-new-service", run: guarded("Could not open the form", () => openServiceForm(ctx, {})) },
    { label: "Import YAML", testid: "action-import", run: guarded("Could not import", () => openImport(ctx)) },
  ];
}

export function objectActions(ctx, kind, obj) {
  const meta = obj?.metadata || {};
  const namespace = meta.namespace || "";
  const name = meta.name;
  if (!name || !RESOURCES[kind]) return [];
  const mayWrite = !!ctx?.boot?.mayWrite;
  const clusterWide = ctx?.boot?.namespaces === null || ctx?.boot?.namespaces === undefined;
  const what = describeObject(kind, namespace, name);
  const api = () => apiFor(ctx.boot);
  const yaml = { label: "YAML", testid: "action-yaml", run: guarded(`Could not open ${what}`, () => openYaml(ctx, { kind, namespace, name })) };
  const del = {
    label: "Delete",
    testid: "action-delete",
    danger: true,
    run: guarded(`Could not delete ${what}`, () => deleteWithConfirmation(ctx, { kind, namespace, name })),
  };
  const out = [];
  switch (kind) {
    case "Service":
      if (mayWrite) out.push({ label: "Edit", testid: "action-edit", run: guarded(`Could not edit ${what}`, () => openServiceForm(ctx, { namespace, name })) });
      out.push(yaml);
      if (mayWrite) out.push(del);
      break;
    case "Deployment":
    case "StatefulSet":
      if (mayWrite) out.push({ label: "Scale", testid: "action-scale", run: guarded(`Could not scale ${what}`, () => openScale(ctx, { kind, namespace, name })) });
      out.push(yaml);
      break;
    case "Pod": {
      if (mayWrite) {
        const ready = isPodReady(obj);
        out.push({
          label: ready ? "Mark not ready" : "Mark ready",
          testid: ready ? "action-mark-not-ready" : "action-mark-ready",
          run: guarded(`Could not change the readiness of ${what}`, () =>
            api().post(`/portolan/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/readiness`, { json: { ready: !ready } }),
          ),
        });
      }
      if (mayWrite) out.push(del);
      out.push(yaml);
      break;
    }
    case "Node":
      if (mayWrite && clusterWide) {
        const cordoned = isCordoned(obj);
        out.push({
          label: cordoned ? "Uncordon" : "Cordon",
          testid: cordoned ? "action-uncordon" : "action-cordon",
          run: guarded(`Could not ${cordoned ? "uncordon" : "cordon"} ${what}`, () =>
            api().patch(resourcePath("Node", "", name), { json: { spec: { unschedulable: cordoned ? null : true } } }),
          ),
        });
      }
      out.push(yaml);
      break;
    default:
      out.push(yaml);
  }
  return out;
}
