// Bundles the CLI into one ESM file: one file to load is what keeps cold start near `node -e 0`.
// libxml2-wasm stays external: it uses top-level await and is imported only when XSD validation runs.
// @azure/identity stays external too: it is imported only when deploy, keys or pull sign in.
import { readFileSync } from 'node:fs';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  // Commands are imported on demand; shared code goes into chunks.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['libxml2-wasm', '@azure/identity'],
  define: { __B2C_TOTP_VERSION__: JSON.stringify(pkg.version) },
  // commander is CommonJS and calls require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __b2cCreateRequire } from 'node:module';\nconst require = __b2cCreateRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
