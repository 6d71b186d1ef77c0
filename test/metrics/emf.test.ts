/**
 * A real tick through the composition root (DynamoDB Local, the simulator over XML-RPC): what it
 * prints for CloudWatch (embedded metric format, by Powertools) and what it adds to the stored
 * counters GET /metrics reads.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { FAST_TIMING, startSimulator, type Simulator } from '../../local/sim';
import { buildApp } from '../../lib/app';
import { parseExposition } from '../helpers/prometheus';

const dynamo = useDynamoLocal();
let sim: Simulator;
beforeAll(async () => { sim = await startSimulator({ timing: FAST_TIMING, bootScripts: false }); });
afterAll(async () => { await sim?.close(); });

const CONFIG = fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url));
const alice = { user: 'alice', role: 'user' } as const;

interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/** The EMF documents printed while `act` runs. */
async function printed(act: () => Promise<unknown>): Promise<Emf[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n'));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return lines.filter((l) => l.startsWith('{') && l.includes('"_aws"')).map((l) => JSON.parse(l) as Emf);
}

const named = (docs: readonly Emf[], name: string) => docs.filter((d) => d._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name));

describe('metrics of a real tick', () => {
  it('prints EMF documents CloudWatch reads, and adds the same counts to the stored counters', { timeout: 120_000 }, async () => {
    // Prepare: a job waiting in the queue.
    const names = await dynamo.freshTables();
    const app = await buildApp({
      SVMSCHED_CONFIG: CONFIG, SVMSCHED_ONE_PASSWORD: 'opennebula', ONE_XMLRPC: sim.url,
      DYNAMODB_ENDPOINT: dynamo.endpoint, SVMSCHED_TABLE_PREFIX: names.jobs.replace(/-jobs$/, ''), AWS_LAMBDA_FUNCTION_NAME: 'svmsched-test-tick',
    }, { invokeTick: async () => {} });
    const job = await app.jobs.submit(alice, { service: 'example-service1', vcpu: 1, memory: 512 });

    // Act
    const docs = await printed(() => app.tick('tick-1', 5_000));

    // Assess: every document is EMF as CloudWatch expects it: a namespace, dimension sets naming
    // keys of the document, metrics with a unit, and each metric's value under its name.
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) {
      const [directive] = d._aws.CloudWatchMetrics;
      expect(directive!.Namespace).toBe('svmsched');
      expect(typeof d._aws.Timestamp).toBe('number');
      for (const dim of directive!.Dimensions.flat()) expect(typeof d[dim], dim).toBe('string');
      for (const m of directive!.Metrics) {
        expect(['Count', 'Seconds']).toContain(m.Unit);
        const v = d[m.Name];
        expect([v].flat().every((x) => typeof x === 'number'), `${m.Name}: ${JSON.stringify(v)}`).toBe(true);
      }
      expect(d.service).toBe('svmsched-test-tick');
    }
    const [ticks] = named(docs, 'ticks');
    expect(ticks).toMatchObject({ Outcome: 'ran', ticks: 1 });
    expect(named(docs, 'tick_duration_seconds')[0]!._aws.CloudWatchMetrics[0]!.Metrics[0]!.Unit).toBe('Seconds');
    expect(named(docs, 'plan_duration_seconds').length).toBe(1);
    expect(named(docs, 'xmlrpc_calls').find((d) => d.Method === 'one.vm.allocate')).toMatchObject({ xmlrpc_calls: 1 });
    expect(named(docs, 'job_queue_wait_seconds')[0]).toMatchObject({ Class: job.class, Tenant: 'default', Service: 'example-service1' });
    expect(named(docs, 'dynamodb_write_capacity_units').length).toBeGreaterThan(0);

    // ...and the stored counters say the same.
    const m = parseExposition(await app.metrics());
    expect(m.sum('svmsched_ticks_total', { outcome: 'ran' })).toBe(1);
    expect(m.sum('svmsched_tick_duration_seconds_count')).toBe(1);
    expect(m.sum('svmsched_jobs_submitted_total', { service: 'example-service1', tenant: 'default' })).toBe(1);
    expect(m.sum('svmsched_xmlrpc_calls_total', { method: 'one.vm.allocate' })).toBe(1);
    expect(m.sum('svmsched_xmlrpc_calls_total', { method: 'one.vm.deploy' })).toBe(1);
    expect(m.sum('svmsched_job_queue_wait_seconds_count')).toBe(1);
    const state = (await app.jobs.get(alice, job.id)).state;
    expect(m.sum('svmsched_jobs', { state })).toBe(1);
  });
});
