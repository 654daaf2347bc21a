// Bundles src/app.js (with @microsoft/signalr and Chart.js from node_modules) into ../wwwroot/dist.
// Run by `npm run build`; the web project's build calls it when a source file is newer than the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/app.js'],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  outfile: '../wwwroot/dist/app.js',
  logLevel: 'warning',
});
