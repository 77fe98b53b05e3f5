// The namespaces a form offers: the ones the user may see (boot), else the store's Namespaces.

export function namespaceChoices(ctx, current) {
  let names = [];
  if (Array.isArray(ctx?.boot?.namespaces)) names = [...ctx.boot.namespaces];
  else if (ctx?.store?.all) names = [...ctx.store.all("Namespace")].map((n) => n.metadata.name);
  if (!names.length) names = ["default"];
  if (current && !names.includes(current)) names.push(current);
  return [...new Set(names)].sort();
}

export function defaultNamespace(ctx) {
  const names = namespaceChoices(ctx);
  return names.includes("default") ? "default" : names[0];
}
