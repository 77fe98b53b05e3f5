// Acting on the cluster from the browser: the service form with its live preview, YAML
// view/edit of any object, manifest import, and the per-object actions (scale, readiness,
// cordon, delete). Dialogs are native modal <dialog>s appended to document.body; they close
// themselves (Esc, Cancel/Close, or after a successful write) and give focus back.
//
//   toolbarActions(ctx)              -> [{label, testid, run}]         "New service", "Import YAML"
//   objectActions(ctx, kind, obj)    -> [{label, testid, run, danger?}]
//   openServiceForm(ctx, {namespace, name?})  create when no name, else edit; resolves with the
//                                             stored Service, or null when cancelled
//   openYaml(ctx, {kind, namespace, name})    resolves with the saved object or null
//   openImport(ctx)                           resolves with the last ApplyReport or null
//   ctx = {boot, store}
// run() never rejects: a refusal from the server is shown in an "action-error" dialog.
//
// data-testid attributes (an error slot for a field with testid T has testid "T-error"):
//   actions:      action-new-service, action-import, action-edit, action-yaml, action-delete,
//                 action-scale, action-mark-ready, action-mark-not-ready, action-cordon,
//                 action-uncordon  (the `testid` of each returned action, for GRAPH's buttons)
//   service form: service-form (the <dialog>), svc-name, svc-namespace, svc-type
//                 (values ClusterIP | Headless | NodePort | LoadBalancer | ExternalName),
//                 svc-clusterip-mode (auto | None | given), svc-clusterip, svc-external-name,
//                 svc-selector-key-<i>, svc-selector-value-<i>, svc-selector-remove-<i>,
//                 svc-selector-add, svc-selector-error,
//                 svc-port-name-<i>, svc-port-protocol-<i>, svc-port-port-<i>,
//                 svc-port-target-<i>, svc-port-nodeport-<i>, svc-port-remove-<i>, svc-port-add,
//                 svc-ports-error, svc-session-affinity, svc-session-timeout, svc-etp, svc-itp,
//                 svc-form-error (form-level errors), svc-save, svc-cancel, svc-delete
//   preview:      svc-preview (section; aria-busy while a preview is running),
//                 svc-preview-status (summary text), svc-preview-pods (table),
//                 svc-preview-pod-<pod> (row; data-endpoint = ready | notReady | none),
//                 svc-preview-port-<i> (one service port), svc-preview-port-<i>-pod-<pod>
//                 (data-state = ready | notReady | unresolved | excluded),
//                 svc-preview-endpoints
//   confirm:      confirm-dialog, confirm-ok, confirm-cancel
//   scale:        scale-dialog, scale-replicas, scale-replicas-error, scale-error, scale-ok,
//                 scale-cancel
//   YAML:         yaml-dialog, yaml-text, yaml-text-error (parse errors), yaml-error (server),
//                 yaml-save, yaml-close, yaml-reload (shown after a 409 Conflict)
//   import:       import-dialog, import-text, import-file, import-namespace, import-dry-run,
//                 import-apply, import-close, import-error, import-report, import-summary,
//                 import-row-<i> (data-result = created | configured | unchanged | skipped | invalid)
//   errors:       action-error (dialog), action-error-message, action-error-close

// (forms.css is imported by main.js, so it is part of the page's one stylesheet)

export { objectActions, toolbarActions } from "./actions.js";
export { confirmDelete } from "./dialogs.js";
export { openServiceForm } from "./service-form.js";
export { openImport, openYaml } from "./yaml-dialog.js";
