// Bundles static/src into static/dist (served by Django's static files). Run by `make run` and
// `make test` through `npm run build`; nothing is fetched at run time.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const out = "static/dist";
rmSync(out, { recursive: true, force: true }); // no stale chunks
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { portolan: "static/src/main.js" },
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  minify: true,
  sourcemap: true,
  outdir: out,
  // The entry is small and opens the live feed at once; the rest loads as chunks meanwhile.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  loader: { ".css": "css" },
  logLevel: "warning",
});
// ELK lays out in a web worker so a big graph never freezes the page.
copyFileSync(require.resolve("elkjs/lib/elk-worker.min.js"), `${out}/elk-worker.min.js`);
// Whitenoise serves a file's .gz sibling to browsers that accept gzip.
for (const dir of [out, `${out}/chunks`]) {
  for (const name of readdirSync(dir).filter((n) => /\.(js|css)$/.test(n))) {
    writeFileSync(`${dir}/${name}.gz`, gzipSync(readFileSync(`${dir}/${name}`), { level: 9 }));
  }
}
writeFileSync(`${out}/.built`, new Date().toISOString() + "\n");
