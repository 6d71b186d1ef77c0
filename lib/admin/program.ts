/**
 * svmsched-admin: manages the API bearer tokens in DynamoDB directly (the operator's command;
 * no HTTP endpoint can create a token). `token issue` prints the clear token once; only its
 * hash is stored.
 */
import { Command, Option } from 'commander';
import { ROLES, type Role } from '../domain/caller';
import { tokenId } from '../store';
import { escapeJsonForTerminal } from '../cli/format/escape';
import { AdminUsageError, PreflightFailedError, TokenNotFoundError } from './errors';
import { checkCommand, formatChecks } from './check';
import { blocks } from './preflight';
import { formatTokenTable } from './format';
import { formatOptimizeReport, optimizeCommand } from './optimize';
import { openTokenStore, storeFailure, type Env, type OpenTokenStore, type StoreOptions } from './tokenStore';

export interface AdminIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  readonly env: Env;
}

interface GlobalOptions extends StoreOptions {
  readonly json?: boolean;
}

const TOKEN_ID = /^[0-9a-f]{16}$/;

export function buildAdminProgram(io: AdminIo, version: string): Command {
  const program = new Command('svmsched-admin')
    .description('Manage svmsched API tokens in DynamoDB, see or apply optimisation plans, and check an OpenNebula before use')
    .version(version)
    .option('--table-prefix <prefix>', 'table name prefix, <service>-<stage> (default: $SVMSCHED_TABLE_PREFIX)')
    .option('--endpoint <url>', 'DynamoDB endpoint, e.g. DynamoDB Local (default: $DYNAMODB_ENDPOINT, else AWS)')
    .option('--json', 'print JSON')
    .showHelpAfterError(false);

  /** Opens the store for one command, runs it, closes the client, and turns DynamoDB's errors into ours. */
  const withStore = async (cmd: Command, run: (store: OpenTokenStore, o: GlobalOptions) => Promise<void>) => {
    const o = cmd.optsWithGlobals<GlobalOptions>();
    const store = openTokenStore(o, io.env);
    try {
      await run(store, o);
    } catch (err) {
      throw storeFailure(err, store);
    } finally {
      store.close();
    }
  };
  const print = (o: GlobalOptions, data: unknown, text: string) => io.stdout.write(o.json ? `${escapeJsonForTerminal(JSON.stringify(data, null, 2))}\n` : text);

  const token = program.command('token').description('issue, list and revoke API bearer tokens');

  token.command('issue')
    .description('create a token for a user; the token is printed once and cannot be shown again')
    .requiredOption('--user <name>', 'the user the token stands for (owner of the jobs it submits)')
    .addOption(new Option('--role <role>', 'user: own jobs only; admin: every job').choices(ROLES).makeOptionMandatory())
    .option('--description <text>', 'what the token is for (shown by `token list`)')
    .option('--tenant <id>', 'the tenant whose share its jobs run in (wins over the tenant listing the user in the configuration)')
    .action(async (opts: { user: string; role: Role; description?: string; tenant?: string }, cmd: Command) => withStore(cmd, async (store, o) => {
      const clear = await store.tokens.issue(opts.user, opts.role, opts.description, opts.tenant);
      const info = { id: tokenId(clear), user: opts.user, role: opts.role, ...(opts.description ? { description: opts.description } : {}), ...(opts.tenant ? { tenant: opts.tenant } : {}), token: clear };
      print(o, info, `${clear}\n`);
      if (!o.json) io.stderr.write(`token ${info.id} for ${opts.user} (${opts.role}${opts.tenant ? `, tenant ${opts.tenant}` : ''}) in ${store.table}: shown this once, keep it safe\n`);
    }));

  token.command('list')
    .description('list tokens (ids, users, roles; never the tokens themselves)')
    .action(async (_opts: object, cmd: Command) => withStore(cmd, async (store, o) => {
      const tokens = await store.tokens.list();
      print(o, tokens, formatTokenTable(tokens));
    }));

  token.command('revoke')
    .description('revoke a token by its id (from `token list`); calls with it get 401 from then on')
    .argument('<id>', 'token id: 16 hex digits')
    .action(async (id: string, _opts: object, cmd: Command) => {
      if (!TOKEN_ID.test(id)) throw new AdminUsageError(`"${id}" is not a token id: 16 hex digits, as \`token list\` shows`);
      await withStore(cmd, async (store, o) => {
        if (!(await store.tokens.revoke(id))) throw new TokenNotFoundError(id);
        print(o, { id, revoked: true }, `revoked ${id}\n`);
      });
    });

  program.command('optimize')
    .description('show the optimisation plan for the cloud now (DRS: balance or pack by migrations); --apply makes the migrations')
    .option('--apply', 'make the migrations, and record them in the jobs they move')
    .option('--cluster <id>', 'only this cluster', (v: string) => {
      if (!/^\d+$/.test(v)) throw new AdminUsageError(`--cluster: "${v}" is not a cluster id`);
      return Number(v);
    })
    .option('--config <file>', 'svmsched configuration (default: $SVMSCHED_CONFIG, else svmsched.xml)')
    .action(async (opts: { apply?: boolean; cluster?: number; config?: string }, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      const report = await optimizeCommand({ ...opts, tablePrefix: o.tablePrefix, endpoint: o.endpoint }, io.env);
      print(o, report, formatOptimizeReport(report));
    });

  program.command('check')
    .description('preflight: what svmsched relies on in OpenNebula (version, hosts, the services\' images, networks and datastores, OneGate, the callback URL), each failure with its fix; exits non-zero when something blocks')
    .option('--config <file>', 'svmsched configuration (default: $SVMSCHED_CONFIG, else svmsched.xml)')
    .action(async (opts: { config?: string }, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      const report = await checkCommand(opts, io.env);
      print(o, report, formatChecks(report.checks));
      const failed = report.checks.filter((c) => c.status === 'fail');
      if (blocks(report.checks)) throw new PreflightFailedError(`${failed.length} check${failed.length > 1 ? 's' : ''} failed (${failed.map((c) => c.check).join(', ')}): jobs cannot run on ${report.endpoint} until fixed`);
    });

  return program;
}
