import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Asset {
  type: string;
  body: Buffer;
}

export interface PageAssets {
  /** The page shell; every script and style it loads is a file of the package. */
  html: string;
  files: ReadonlyMap<string, Asset>;
  /** Changes with the files, so browsers may cache them for good. */
  version: string;
}

/** Where the prebuilt browser files are: beside the built server, or (running from source in tests) in dist/ui. */
const CANDIDATE_DIRS = ['./ui/', '../dist/ui/'];

function readUiFile(name: string): Buffer {
  for (const dir of CANDIDATE_DIRS) {
    try {
      return readFileSync(fileURLToPath(new URL(`${dir}${name}`, import.meta.url)));
    } catch {
      // try the next place
    }
  }
  throw new Error(`@taskharbor/dashboard: the prebuilt page file ui/${name} is missing; reinstall the package (or run its build)`);
}

let loaded: PageAssets | undefined;

/** Reads the prebuilt page once per process. */
export function pageAssets(): PageAssets {
  if (loaded !== undefined) return loaded;
  const files = new Map<string, Asset>([
    ['app.js', { type: 'text/javascript; charset=utf-8', body: readUiFile('app.js') }],
    ['app.css', { type: 'text/css; charset=utf-8', body: readUiFile('app.css') }],
  ]);
  const hash = createHash('sha256');
  for (const file of files.values()) hash.update(file.body);
  const version = hash.digest('hex').slice(0, 12);
  // Relative URLs: the page is always served at the base path with a trailing slash.
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>TaskHarbor</title>
<link rel="stylesheet" href="assets/app.css?v=${version}">
<script type="module" src="assets/app.js?v=${version}"></script>
</head>
<body>
<div id="app"><noscript>The TaskHarbor dashboard needs JavaScript; its JSON API works without it (see api/queues).</noscript></div>
</body>
</html>
`;
  loaded = { html, files, version };
  return loaded;
}
