/**
 * svmsched-expr: evaluates OpenNebula requirement and rank expressions against one host,
 * datastore or virtual network, as OpenNebula's scheduler would, so that an operator sees
 * why a requirement matches before putting it in a template.
 *
 *   npm run --silent expr -- --host HOST.xml < expressions.txt
 *
 * One expression per input line; one JSON line per expression:
 *   {"expr": ..., "bool": true|false|null, "rank": N|null, "error": "..."|null}
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { parseXml } from '../lib/one/xml';
import { compileRank, compileRequirement, ExprSyntaxError, xmlLookup, type AttrLookup, type ObjectKind } from '../lib/sched/expr';

const ROOTS: Record<ObjectKind, string> = { host: 'HOST', datastore: 'DATASTORE', vnet: 'VNET' };

export interface ExprResult {
  readonly expr: string;
  readonly bool: boolean | null;
  readonly rank: number | null;
  readonly error: string | null;
}

class ExprUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprUsageError';
  }
}

/**
 * The requirement and rank value of one expression. Almost no text is both, so `error` is set
 * only when it is neither: it then explains the grammar that read further into the text.
 */
export function evaluate(expr: string, lookup: AttrLookup): ExprResult {
  const errors: { what: string; error: ExprSyntaxError }[] = [];
  const attempt = <T>(what: string, run: () => T): T | null => {
    try {
      return run();
    } catch (e) {
      if (!(e instanceof ExprSyntaxError)) throw e;
      errors.push({ what, error: e });
      return null;
    }
  };
  const bool = attempt('requirement', () => compileRequirement(expr).test(lookup));
  const rank = attempt('rank', () => compileRank(expr).value(lookup));
  if (bool !== null || rank !== null) return { expr, bool, rank, error: null };
  const furthest = errors.reduce((a, b) => (b.error.position > a.error.position ? b : a));
  return { expr, bool, rank, error: `not a valid ${furthest.what}: ${furthest.error.message}` };
}

function loadObject(kind: ObjectKind, file: string): AttrLookup {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ExprUsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let root;
  try {
    root = parseXml(text);
  } catch (e) {
    throw new ExprUsageError(`${file}: ${(e as Error).message}`);
  }
  if (root.name !== ROOTS[kind]) {
    throw new ExprUsageError(`${file}: expected a ${ROOTS[kind]} element as the document root, found ${root.name}`);
  }
  return xmlLookup(root, kind);
}

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('svmsched-expr')
    .description(
      'Evaluate OpenNebula requirement and rank expressions, one per line on stdin, against one object.\n' +
        'Prints one JSON line per expression: {"expr", "bool", "rank", "error"}.',
    )
    .option('--host <file>', 'a HOST element as in a SCHEDULER_DRIVER_ACTION host pool (with MONITORING and CLUSTER_TEMPLATE)')
    .option('--datastore <file>', 'a DATASTORE element')
    .option('--vnet <file>', 'a VNET element')
    .showHelpAfterError()
    .parse(argv);
  const opts = program.opts<{ host?: string; datastore?: string; vnet?: string }>();
  const given = (['host', 'datastore', 'vnet'] as const).filter((k) => opts[k] !== undefined);
  if (given.length !== 1) throw new ExprUsageError('give exactly one of --host FILE, --datastore FILE or --vnet FILE');
  const kind = given[0];
  const lookup = loadObject(kind, opts[kind]!);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    process.stdout.write(`${JSON.stringify(evaluate(line, lookup))}\n`);
  }
}

main(process.argv).catch((e: unknown) => {
  process.stderr.write(`svmsched-expr: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
