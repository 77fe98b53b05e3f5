// Bundles static/src into static/dist (served by Django's static files). Run by `make run` and
// `make test` through `npm run build`; nothing is fetched at run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const out = "static/dist";
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { portolan: "static/src/main.js" },
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  minify: true,
  sourcemap: true,
  outdir: out,
  loader: { ".css": "css" },
  logLevel: "warning",
});
// ELK lays out in a web worker so a big graph never freezes the page.
copyFileSync(require.resolve("elkjs/lib/elk-worker.min.js"), `${out}/elk-worker.min.js`);
// Whitenoise serves a file's .gz sibling to browsers that accept gzip.
for (const name of ["portolan.js", "portolan.css", "elk-worker.min.js"]) {
  writeFileSync(`${out}/${name}.gz`, gzipSync(readFileSync(`${out}/${name}`), { level: 9 }));
}
writeFileSync(`${out}/.built`, new Date().toISOString() + "\n");
