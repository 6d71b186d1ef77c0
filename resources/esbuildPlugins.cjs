/**
 * esbuild plugins for the functions' bundles (custom.esbuild.plugins in serverless.yml).
 * `svmsched:console-page`: the web console's page and its Content-Security-Policy, built from
 * lib/console when the handler that serves it (functions/console.ts) is bundled.
 */
const { buildConsolePage } = require('./consolePage.cjs');

const consolePage = {
  name: 'svmsched-console-page',
  setup(build) {
    build.onResolve({ filter: /^svmsched:console-page$/ }, (args) => ({ path: args.path, namespace: 'svmsched-console' }));
    build.onLoad({ filter: /.*/, namespace: 'svmsched-console' }, async () => {
      const { html, csp, files } = await buildConsolePage();
      return { contents: `export const html = ${JSON.stringify(html)};\nexport const csp = ${JSON.stringify(csp)};\n`, loader: 'js', watchFiles: files };
    });
  },
};

module.exports = [consolePage];
