/**
 * rank.conf (OpenNebula template syntax) to a Policy, with OpenNebula's defaults for what it
 * leaves out (SchedulerTemplate::set_conf_default). The file is found where OpenNebula's rank
 * placer finds it: $ONE_LOCATION/etc/schedulers/rank.conf, else /etc/one/schedulers/rank.conf.
 */
import { parseTemplate, templateGet, templateVectors, vectorGet, type TemplateAttr } from '../one/template';
import type { Policy, RankPolicy } from '../sched/contract';
import { DEFAULT_POLICY } from '../sched/policy';
import { PlacerConfigError } from './errors';

/** The placer decides as OpenNebula's placer does: ranks once per run, no preemption, MAX_CPU as sent. */
export const PLACER_DEFAULTS: Policy = { ...DEFAULT_POLICY, rankMode: 'opennebula', preemption: false, applyReserved: false, maxHost: 0 };

export function configPath(env: NodeJS.ProcessEnv): string {
  return env.ONE_LOCATION ? `${env.ONE_LOCATION}/etc/schedulers/rank.conf` : '/etc/one/schedulers/rank.conf';
}

/** `istringstream >> int`: leading integer, else the fallback. */
function int(value: string | undefined, fallback: number): number {
  const m = value === undefined ? null : /^\s*([+-]?\d+)/.exec(value);
  return m ? Number(m[1]) : fallback;
}

const WHOLE_INT = /^\s*[+-]?\d+$/;
const WHOLE_FLOAT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Template::get<T> for a single attribute: the whole value must read as a number (trailing text fails), else 0. */
const whole = (value: string | undefined, pattern: RegExp): number => (value !== undefined && pattern.test(value) ? Number(value) : 0);

function rankPolicy(attrs: readonly TemplateAttr[], name: string, fallback: RankPolicy): RankPolicy {
  const vector = templateVectors(attrs, name)[0];
  if (!vector) return fallback;
  const rank = vectorGet(vector, 'RANK');
  // An unreadable POLICY leaves the int uninitialised in OpenNebula; an unknown number gives an empty rank.
  return { policy: int(vectorGet(vector, 'POLICY'), -1), ...(rank !== undefined ? { rank } : {}) };
}

export function policyFromConf(text: string, file = 'rank.conf'): Policy {
  let attrs: TemplateAttr[];
  try {
    attrs = parseTemplate(text);
  } catch (error) {
    throw new PlacerConfigError(file, (error as Error).message, { cause: error });
  }
  const diff = templateGet(attrs, 'DIFFERENT_VNETS');
  const scale = templateGet(attrs, 'MEMORY_SYSTEM_DS_SCALE');
  return {
    ...PLACER_DEFAULTS,
    host: rankPolicy(attrs, 'DEFAULT_SCHED', PLACER_DEFAULTS.host),
    datastore: rankPolicy(attrs, 'DEFAULT_DS_SCHED', PLACER_DEFAULTS.datastore),
    nic: rankPolicy(attrs, 'DEFAULT_NIC_SCHED', PLACER_DEFAULTS.nic),
    maxHost: whole(templateGet(attrs, 'MAX_HOST'), WHOLE_INT),
    differentVnets: diff === undefined ? true : diff.trim().toUpperCase() === 'YES',
    // OpenNebula's default "0" when missing; a value that does not read whole is 0 too.
    memorySystemDsScale: scale === undefined ? 0 : whole(scale, WHOLE_FLOAT),
  };
}
