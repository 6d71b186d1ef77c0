/**
 * Records the conformance fixture against a real oned (OpenNebula 7 with its dummy IM, VMM, TM
 * and datastore drivers, its scheduler's placer and optimiser set to `dummy` so that only these
 * calls place VMs, and ONEGATE_ENDPOINT set since svmsched's VMs ask for a OneGate token):
 *
 *   npx tsx test/conformance/record.ts --endpoint http://127.0.0.1:2633/RPC2 --auth oneadmin:PASS \
 *     [--setup] [--out test/fixtures/oned/lifecycle.json] [--actions-dir /tmp/opennebula_dummy_actions]
 *
 * `--setup` first makes the cloud the scenario needs on a fresh oned: two dummy hosts, the
 * default system and image datastores switched to the dummy drivers, a network and the image
 * the services name. The scenario's calls go through the recording proxy; the fixture holds them
 * with the simulator fixture that mirrors that cloud, read back from oned.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { XmlRpcOneClient } from '../../lib/one/client';
import { xmlRpcCall } from '../../lib/one/transport';
import { loadConfig } from '../../lib/config';
import { startRecorder } from '../../local/sim/recorder';
import { DEFAULT_CONFIG } from '../../local/stack';
import { runScenario } from './scenario';
import { fixtureFromOned, normaliseExchange } from './normalise';

const { values: args } = parseArgs({
  options: {
    endpoint: { type: 'string', default: 'http://127.0.0.1:2633/RPC2' },
    auth: { type: 'string', default: 'oneadmin:opennebula' },
    out: { type: 'string', default: 'test/fixtures/oned/lifecycle.json' },
    'actions-dir': { type: 'string', default: '/tmp/opennebula_dummy_actions' },
    setup: { type: 'boolean', default: false },
  },
});

const session = args.auth!;
const raw = async (method: string, ...params: (string | number | boolean)[]) => {
  const answer = await xmlRpcCall(method, [session, ...params], { endpoint: args.endpoint!, timeoutMs: 30_000 });
  if (!Array.isArray(answer) || answer[0] !== true) throw new Error(`${method}: ${JSON.stringify(answer)}`);
  return answer[1];
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const direct = new XmlRpcOneClient({ endpoint: args.endpoint!, session });

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

async function setup(): Promise<void> {
  log('setup: hosts, datastores, network, image');
  for (const name of ['dummy-a', 'dummy-b']) await raw('one.host.allocate', name, 'dummy', 'dummy', -1);
  await raw('one.datastore.update', 0, 'TM_MAD = "dummy"', 1);
  await raw('one.datastore.update', 1, 'DS_MAD = "dummy"\nTM_MAD = "dummy"', 1);
  await raw('one.vn.allocate', 'NAME = "net0"\nVN_MAD = "dummy"\nBRIDGE = "br0"\nAR = [ TYPE = "IP4", IP = "10.0.0.10", SIZE = "50" ]', -1);
  await raw('one.image.allocate', 'NAME = "ubuntu-24.04"\nPATH = "/dev/null"\nTYPE = "OS"', 1, true);
}

async function main(): Promise<void> {
  if (args.setup) await setup();
  await waitFor('hosts MONITORED', async () => (await direct.hostPoolInfo()).length >= 2 && (await direct.hostPoolInfo()).every((h) => h.state === 'MONITORED'));
  await waitFor('image READY', async () => /<STATE>1<\/STATE>/.test(String(await raw('one.image.info', 0, false))));
  const hosts = (await direct.hostPoolInfo()).map((h) => h.id).sort((x, y) => x - y);
  const fixture = await fixtureFromOned(raw);
  const config = await loadConfig(DEFAULT_CONFIG, { ...process.env, SVMSCHED_ONE_PASSWORD: 'unused' });
  const recorder = await startRecorder(args.endpoint!);
  const client = new XmlRpcOneClient({ endpoint: recorder.url, session, retries: 0 });
  const actionsDir = args['actions-dir']!;
  try {
    await runScenario({
      client, direct, recorder, config, hosts: [hosts[0]!, hosts[1]!], log,
      failNextDeploy: async () => { await mkdir(actionsDir, { recursive: true }); await writeFile(path.join(actionsDir, 'deploy'), 'failure\n'); },
      clearFailures: () => rm(path.join(actionsDir, 'deploy'), { force: true }),
    });
  } finally {
    client.close();
    await recorder.close();
  }
  await mkdir(path.dirname(args.out!), { recursive: true });
  const version = String(await raw('one.system.version'));
  await writeFile(args.out!, `${JSON.stringify({ oned: version, fixture, exchanges: recorder.exchanges.map(normaliseExchange) }, null, 1)}\n`);
  log(`${recorder.exchanges.length} exchanges → ${args.out}`);
  direct.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
