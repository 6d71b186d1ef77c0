/** The web console's page, built from lib/console when this handler is bundled (resources/esbuildPlugins.cjs). */
declare module 'svmsched:console-page' {
  /** The whole page: markup, style and script inline. */
  export const html: string;
  /** Its Content-Security-Policy: that script and that style only, requests to this origin only. */
  export const csp: string;
}
