/**
 * The dashboard's browser files: our modules in `src/dashboard/public/` (plain ES modules, no build
 * step) and prebuilt ES modules of preact, htm and uPlot from node_modules. Files are read once at
 * startup into an allowlist keyed by URL name, so no request path ever reaches the file system.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface Assets {
  files: ReadonlyMap<string, Asset>;
  html: string;
  /** Content-Security-Policy for every dashboard response. */
  csp: string;
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Where `src/dashboard/public` is, whether this module runs from sources or from `dist/`. */
function publicDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'src', 'dashboard', 'public');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const here = join(dir, 'public');
    if (existsSync(join(here, 'index.html'))) return here;
    const up = dirname(dir);
    if (up === dir) throw new Error('dashboard public folder not found');
    dir = up;
  }
}

function asset(body: Buffer, name: string): Asset {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return {
    body,
    type: TYPES[ext] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

export function loadAssets(): Assets {
  const dir = publicDir();
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    if (!/^[a-z0-9-]+\.(js|css|svg)$/.test(name)) continue;
    files.set(name, asset(readFileSync(join(dir, name)), name));
  }
  const require = createRequire(import.meta.url);
  const vendor: Record<string, string> = {
    'preact.mjs': require.resolve('preact'),
    'preact-hooks.mjs': require.resolve('preact/hooks'),
    'htm.mjs': join(dirname(require.resolve('htm')), 'htm.module.js'),
    'uplot.mjs': require.resolve('uplot/dist/uPlot.esm.js'),
    'uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
  };
  for (const [name, path] of Object.entries(vendor)) files.set(`vendor-${name}`, asset(readFileSync(path), name));

  const importMap = JSON.stringify({
    imports: {
      preact: '/assets/vendor-preact.mjs',
      'preact/hooks': '/assets/vendor-preact-hooks.mjs',
      htm: '/assets/vendor-htm.mjs',
      uplot: '/assets/vendor-uplot.mjs',
    },
  });
  const importMapHash = createHash('sha256').update(importMap).digest('base64');
  const html = readFileSync(join(dir, 'index.html'), 'utf8').replace('<script type="importmap">{"imports":{}}</script>', () => `<script type="importmap">${importMap}</script>`);
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${importMapHash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { files, html, csp };
}
