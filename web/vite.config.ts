import preact from "@preact/preset-vite";
import { defineConfig } from "vitest/config";

// The build goes into the Python package, so `pip install` needs no Node.
export default defineConfig({
  plugins: [preact()],
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
