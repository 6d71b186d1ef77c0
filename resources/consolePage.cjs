/**
 * The web console as one HTML page: lib/console/main.ts (and chart.js) bundled for the browser,
 * inlined with lib/console/page.html and style.css, and the Content-Security-Policy that lets
 * exactly that script and that style run (their hashes) and the page talk to its own origin only.
 *
 * resources/esbuildPlugins.cjs makes it the module `svmsched:console-page` of functions/console.ts,
 * so `serverless offline` and `serverless package` build it with the functions, from the sources.
 */
const { createHash } = require('node:crypto');
const { readFile } = require('node:fs/promises');
const path = require('node:path');
const { build } = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, 'lib/console');

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** { html, csp, files }: the page, its policy, and the source files it was made of. */
async function buildConsolePage() {
  const out = await build({
    entryPoints: [path.join(DIR, 'main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  // esbuild escapes `</script` inside the code it writes; a template with a second marker would be a mistake.
  const script = out.outputFiles[0].text;
  const [template, style] = await Promise.all([readFile(path.join(DIR, 'page.html'), 'utf8'), readFile(path.join(DIR, 'style.css'), 'utf8')]);
  if (template.split('/*STYLE*/').length !== 2 || template.split('/*SCRIPT*/').length !== 2) throw new Error('lib/console/page.html must hold /*STYLE*/ and /*SCRIPT*/ once each');
  const html = template.replace('/*STYLE*/', () => style).replace('/*SCRIPT*/', () => script);
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const files = [...Object.keys(out.metafile.inputs).map((f) => path.resolve(ROOT, f)), path.join(DIR, 'page.html'), path.join(DIR, 'style.css')];
  return { html, csp, files };
}

module.exports = { buildConsolePage };
