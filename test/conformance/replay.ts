/**
 * Replays a recording made against oned (record.ts) against a fresh simulator that holds the same
 * cloud, call by call, and lists every difference between the two answers (compare.ts). VM ids
 * the simulator gives at allocate are mapped onto the recorded ones; a call noted `settled` waits
 * until the simulator's VM is in the state oned's was; `fail-next-deploy` makes the simulator's
 * next boot fail, as the dummy driver's actions file made oned's.
 */
import { readFileSync } from 'node:fs';
import { startSimulator, FAST_TIMING, type Fixture } from '../../local/sim';
import { toRecorded, type Exchange, type RecordedValue } from '../../local/sim/recorder';
import { decodeMethodResponse, encodeMethodCall } from '../../lib/one/xmlrpc';
import { compareAnswers } from './compare';
import { normaliseExchange } from './normalise';

export interface Recording {
  readonly oned: string;
  readonly fixture: Fixture;
  readonly exchanges: Exchange[];
}

export const loadRecording = (file: string): Recording => JSON.parse(readFileSync(file, 'utf8')) as Recording;

const SESSION = 'oneadmin:opennebula';

/** Where each method carries a VM id, and where it carries a scheduled action's id. */
const VM_ID_AT: Record<string, number> = {
  'one.vm.info': 0, 'one.vm.deploy': 0, 'one.vm.migrate': 0, 'one.vm.schedadd': 0, 'one.vm.scheddelete': 0, 'one.vm.action': 1,
};

/** STATE/LCM_STATE and the host of the last history record: a migration keeps the state and changes the host. */
const stateOf = (v: RecordedValue | undefined) => {
  const doc = Array.isArray(v) && typeof v[1] === 'string' ? v[1] : '';
  const state = /<STATE>(\d+)<\/STATE><LCM_STATE>(\d+)<\/LCM_STATE>/.exec(doc)?.slice(1).join('/') ?? '';
  const hosts = [...doc.matchAll(/<HISTORY>.*?<HOSTNAME>(.*?)<\/HOSTNAME>/g)].map((m) => m[1]);
  return `${state} on ${hosts.at(-1) ?? ''}`;
};

/** Whether the last history record's run has started (recordings have their times zeroed: only the simulator's live answer says). */
const started = (v: RecordedValue | undefined) => {
  const doc = Array.isArray(v) && typeof v[1] === 'string' ? v[1] : '';
  return Number([...doc.matchAll(/<RSTIME>(\d+)<\/RSTIME>/g)].at(-1)?.[1] ?? '0') > 0;
};

export async function replay(rec: Recording, o: { settleMs?: number } = {}): Promise<{ differences: string[]; calls: number }> {
  const sim = await startSimulator({ fixture: { ...rec.fixture, version: rec.oned }, timing: FAST_TIMING, bootScripts: false });
  const vmIds = new Map<number, number>();
  const schedIds = new Map<number, number>();
  const differences: string[] = [];
  const call = async (method: string, params: RecordedValue[]): Promise<Exchange['answer']> => {
    try {
      const text = await rawCall(sim.url, method, params);
      const a = decodeMethodResponse(text);
      return a.fault ? { fault: { code: toRecorded(a.faultCode), message: a.faultString } } : { value: toRecorded(a.value) };
    } catch (e) {
      return { fault: { code: -1, message: (e as Error).message } };
    }
  };
  try {
    for (const e of rec.exchanges) {
      const params = [...e.params];
      const at = VM_ID_AT[e.method];
      if (at !== undefined && typeof params[at] === 'number') params[at] = vmIds.get(params[at] as number) ?? params[at]!;
      if (e.method === 'one.vm.scheddelete' && typeof params[1] === 'number') params[1] = schedIds.get(params[1] as number) ?? params[1]!;
      if (e.note === 'fail-next-deploy') sim.faults.failBoots(1);
      let answer = await call(e.method, params);
      if (e.note === 'settled' && 'value' in e.answer) {
        const want = stateOf(e.answer.value);
        const deadline = Date.now() + (o.settleMs ?? 10_000);
        const settledLike = (a: Exchange['answer']) => {
          const v = 'value' in a ? a.value : undefined;
          return stateOf(v) === want && (!want.startsWith('3/3 ') || started(v));
        };
        while (!settledLike(answer) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          answer = await call(e.method, params);
        }
      }
      const ids = (m: Map<number, number>) => {
        if ('value' in e.answer && 'value' in answer && Array.isArray(e.answer.value) && Array.isArray(answer.value) && e.answer.value[0] === true) {
          m.set(Number(e.answer.value[1]), Number(answer.value[1]));
        }
      };
      if (e.method === 'one.vm.allocate') ids(vmIds);
      if (e.method === 'one.vm.schedadd') ids(schedIds);
      const mine = normaliseExchange({ ...e, answer });
      differences.push(...compareAnswers(`#${e.seq} ${e.method}(${JSON.stringify(e.params).slice(1, 60)})`, e.answer, mine.answer));
    }
  } finally {
    await sim.close();
  }
  return { differences, calls: rec.exchanges.length };
}

/** The call as the recording made it (the client sends plain values only). */
async function rawCall(url: string, method: string, params: RecordedValue[]): Promise<string> {
  const body = encodeMethodCall(method, [SESSION, ...(params as (string | number | boolean)[])]);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return res.text();
}
