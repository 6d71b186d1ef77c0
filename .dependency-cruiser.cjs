/**
 * The import graph's rules (ARCHITECTURE.md): every import points down the layers, nothing
 * goes round in a circle, and the planner stays pure. B ← A means A imports B:
 *
 *   domain ← sched ← config ← one, store ← lifecycle ← jobs ← http ← app ← functions
 *
 * with the tools beside them: placer (one, sched), replay (sched: the simulation drives plan()), cli (domain only: it speaks to the HTTP API),
 * console (domain only: the web console's page, which speaks to the HTTP API from the browser),
 * admin (the operator's command line, over app, lifecycle, store, one and cli). lib/log.ts is
 * for any layer but the pure ones. test/infra/layers.test.ts runs this file, so `npm test`
 * fails on a violation; `npx depcruise lib functions bin local bench test` shows it.
 */
const LAYERS = {
  domain: [],
  sched: ['domain'],
  config: ['sched', 'domain'],
  one: ['sched', 'domain', 'log'],
  store: ['config', 'domain', 'log'],
  lifecycle: ['one', 'store', 'config', 'sched', 'domain', 'log'],
  jobs: ['lifecycle', 'one', 'store', 'config', 'sched', 'domain', 'log'],
  http: ['jobs', 'store', 'domain', 'log'],
  metrics: ['lifecycle', 'store', 'domain', 'log'],
  app: ['metrics', 'jobs', 'lifecycle', 'one', 'store', 'config', 'sched', 'domain', 'log'],
  placer: ['one', 'sched', 'domain'],
  replay: ['sched', 'domain'],
  cli: ['domain'],
  console: ['domain'],
  admin: ['app', 'cli', 'lifecycle', 'one', 'store', 'config', 'sched', 'domain', 'log'],
  log: [],
};

/** A lib/ folder (lib/x/...) or module (lib/x.ts) by its name. */
const libPart = (names) => `^lib/(${names.join('|')})(/|\\.ts$)`;

module.exports = {
  forbidden: [
    ...Object.entries(LAYERS).map(([layer, below]) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `lib/${layer} may import only ${below.length ? below.map((b) => `lib/${b}`).join(', ') : 'nothing else of lib/'}: imports point one way (ARCHITECTURE.md)`,
      from: { path: libPart([layer]) },
      to: { path: '^lib/', pathNot: libPart([layer, ...below]) },
    })),
    {
      name: 'pure-planner',
      severity: 'error',
      comment: 'lib/domain and lib/sched are pure: no Node module and no package (no I/O, clock or logging); everything comes in as data',
      from: { path: libPart(['domain', 'sched']) },
      to: { dependencyTypesNot: ['local'] },
    },
    {
      name: 'functions-only-wire',
      severity: 'error',
      comment: 'a handler wires the HTTP edge to the composition root (lib/app) and maps the result; the logic lives below',
      from: { path: '^functions/' },
      to: { path: '^lib/', pathNot: libPart(['app', 'http', 'jobs', 'domain', 'log']) },
    },
    {
      name: 'lib-stands-alone',
      severity: 'error',
      comment: 'lib/ is what gets deployed: it never imports the handlers, command lines, local stack, tests or benchmarks',
      from: { path: '^lib/' },
      to: { path: '^(functions|bin|local|test|bench)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a circle makes two modules one; split out what both need',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports count: a type is as much a dependency as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
