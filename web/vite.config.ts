import { writeFileSync } from "node:fs";
import { join } from "node:path";
import preact from "@preact/preset-vite";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

// The service worker caches the app shell for offline use: the first screen
// plus the app's own small chunks (screens, dialogs, the enhancer). The big
// libraries (KaTeX, mermaid) are cached when first used instead.
function shellManifest(): Plugin {
  return {
    name: "chatnext-shell-manifest",
    // After the CSS plugin has dropped its empty JS chunks: list only files that exist.
    writeBundle(options, bundle) {
      // Walk from the entry through static and dynamic imports, but not into
      // (or past) a big chunk: that is where the heavy libraries and their parts live.
      const size = (f: (typeof bundle)[string]) => (f.type === "chunk" ? f.code.length : String(f.source).length);
      const keep = new Set<string>();
      const visit = (name: string) => {
        const f = bundle[name];
        if (!f || keep.has(name) || size(f) > 40_000) return;
        keep.add(name);
        if (f.type === "chunk") {
          [...f.imports, ...f.dynamicImports].forEach(visit);
          f.viteMetadata?.importedCss.forEach((css) => keep.add(css));
        }
      };
      for (const f of Object.values(bundle)) if (f.type === "chunk" && f.isEntry) [...f.imports, ...f.dynamicImports].forEach(visit);
      const files = [...keep].map((name) => `/${name}`).sort();
      writeFileSync(join(options.dir!, "shell.json"), JSON.stringify(files));
    },
  };
}

// The build goes into the Python package, so `pip install` needs no Node.
export default defineConfig({
  plugins: [preact(), shellManifest()],
  base: "/",
  build: {
    outDir: "../src/chatnext/static",
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
