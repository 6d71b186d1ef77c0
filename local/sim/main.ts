import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { FaultConfig } from './faults';
import { DEFAULT_TIMING, FAST_TIMING, type Timing } from './lifecycle';
import { startSimulator } from './server';

/** `npm run sim -- --port 2633 [--fixture FILE]`: the OpenNebula XML-RPC simulator as a process. */
async function main(): Promise<void> {
  const program = new Command('sim')
    .description('OpenNebula XML-RPC simulator (see local/sim/README.md)')
    .option('--port <n>', 'port to listen on', '2633')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--fixture <file>', 'fixture (JSON or YAML); default local/fixtures/default.json')
    .option('--faults <file>', 'fault configuration (JSON) active from the start')
    .option('--seed <n>', 'seed of the fault PRNG')
    .option('--fail-rate <r>', 'probability that any call fails with an OpenNebula INTERNAL error')
    .option('--latency <ms>', 'random latency added to every call, up to this many ms')
    .option('--fast', 'near-zero transition times (as in tests)')
    .option('--timing <json>', `phase durations in ms, e.g. '{"boot":3000}' (default ${JSON.stringify(DEFAULT_TIMING)})`)
    .option('--repository <dir>', 'local folder mapped to the guest path /data/repository')
    .option('--no-boot', 'do not run CONTEXT start scripts')
    .option('--onegate-port <n>', 'port of OneGate (ONEGATE_ENDPOINT)', '5030')
    .option('--no-onegate', 'no OneGate: CONTEXT/TOKEN = YES is refused as by oned without ONEGATE_ENDPOINT')
    .parse();
  const o = program.opts();
  const fileFaults: FaultConfig = o.faults ? JSON.parse(readFileSync(o.faults, 'utf8')) : {};
  const faults: FaultConfig = {
    ...fileFaults,
    ...(o.seed !== undefined ? { seed: Number(o.seed) } : {}),
    methodFailures: [...(fileFaults.methodFailures ?? []), ...(o.failRate ? [{ rate: Number(o.failRate) }] : [])],
    latency: [...(fileFaults.latency ?? []), ...(o.latency ? [{ randomMs: Number(o.latency) }] : [])],
  };
  const timing: Partial<Timing> = { ...(o.fast ? FAST_TIMING : {}), ...(o.timing ? JSON.parse(o.timing) : {}) };
  const sim = await startSimulator({
    port: Number(o.port), host: o.host, fixture: o.fixture, faults, timing, bootScripts: o.boot,
    repositoryDir: o.repository, oneGate: o.onegate === false ? false : { port: Number(o.onegatePort) },
    logger: { info: (m) => console.error(`[sim] ${m}`), error: (m) => console.error(`[sim] ERROR ${m}`) },
  });
  console.log(`OpenNebula simulator listening on ${sim.url}`);
  if (sim.oneGate) console.log(`OneGate listening on ${sim.oneGate.url}`);
  const stop = () => { sim.close().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // SIGUSR2 clears every fault, so a person can recover a run without the admin call.
  process.on('SIGUSR2', () => sim.faults.clear());
}

main().catch((e: Error) => {
  console.error(`sim: ${e.message}`);
  process.exit(1);
});
