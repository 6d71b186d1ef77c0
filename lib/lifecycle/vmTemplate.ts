import type { Job } from '../domain/job';
import type { Repository, Service, SvmschedConfig } from '../config/types';
import { writeTemplate, type TemplateAttr, type TemplatePair } from '../one/template';
import { START_SCRIPT } from './startScript';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** NUL-separated then base64: the start script splits it back with `mapfile -d ''`, whatever the items hold. */
const b64List = (items: readonly string[]) => b64(items.map((i) => `${i}\0`).join(''));

export const vmName = (jobId: string) => `svmsched-${jobId}`;

/** Joins requirement expressions with `&`, each parenthesised, as OpenNebula joins AUTOMATIC_REQUIREMENTS and SCHED_REQUIREMENTS. */
export function andRequirements(...parts: (string | undefined)[]): string {
  const present = parts.map((p) => p?.trim() ?? '').filter((p) => p !== '');
  if (present.length <= 1) return present[0] ?? '';
  return present.map((p) => `(${p})`).join(' & ');
}

const pairs = (o: Record<string, string | number | undefined>): TemplatePair[] =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([name, value]) => ({ name, value: String(value) }));

function diskOf(service: Service): TemplateAttr {
  const image = typeof service.image === 'number' ? { IMAGE_ID: service.image } : { IMAGE: service.image };
  return { name: 'DISK', vector: pairs({ ...image, SIZE: service.diskSize }) };
}

function nicsOf(service: Service): TemplateAttr[] {
  return service.networks.map((n) =>
    n.mode === 'auto'
      ? { name: 'NIC', vector: pairs({ NETWORK_MODE: 'auto', SCHED_REQUIREMENTS: n.requirements, SCHED_RANK: n.rank }) }
      : { name: 'NIC', vector: pairs(typeof n.vnet === 'number' ? { NETWORK_ID: n.vnet } : { NETWORK: n.vnet }) },
  );
}

function repositoriesOf(service: Service, config: SvmschedConfig): Repository[] {
  return service.repositories.map((id) => config.repositories.find((r) => r.id === id)!).filter(Boolean);
}

export interface VmTemplateInput {
  readonly job: Job;
  readonly service: Service;
  readonly config: SvmschedConfig;
  /** The callback token of this VM, in clear (whoever reads the template holds it: README, Security of the completion callback). */
  readonly callbackToken: string;
  readonly callbackUrl: string;
}

/**
 * The VM of one job, in OpenNebula template syntax. Every value goes through the template
 * writer, which quotes and escapes it, so neither the job's arguments nor its requirements can
 * add or change an attribute.
 */
export function buildVmTemplate({ job, service, config, callbackToken, callbackUrl }: VmTemplateInput): string {
  const repos = repositoriesOf(service, config);
  const context = pairs({
    NETWORK: 'YES',
    START_SCRIPT_BASE64: b64(START_SCRIPT),
    SVMSCHED_JOB_ID: job.id,
    SVMSCHED_EXEC_B64: b64(service.executable),
    SVMSCHED_ARGS: b64List([...service.arguments, ...job.args]),
    SVMSCHED_MOUNTS: b64List(repos.flatMap((r) => [r.export, r.mountPoint, r.readOnly ? 'ro' : 'rw'])),
    SVMSCHED_CALLBACK_URL: callbackUrl,
    SVMSCHED_TOKEN: callbackToken,
    SVMSCHED_REPORT_SECONDS: config.jobs.reportSeconds,
    // An array's element: its index and the array's size, in the service's environment.
    SVMSCHED_ARRAY_INDEX: job.arrayIndex,
    SVMSCHED_ARRAY_SIZE: job.arraySize,
    // OneGate: oned adds ONEGATE_ENDPOINT and VMID, and gives the guest a token for this VM, with
    // which the start script records the exit code in the VM's USER_TEMPLATE.
    TOKEN: 'YES',
  });
  const attrs: TemplateAttr[] = [
    { name: 'NAME', value: vmName(job.id) },
    { name: 'SVMSCHED_JOB_ID', value: job.id },
    { name: 'SVMSCHED_SERVICE', value: service.id },
    { name: 'SVMSCHED_CLASS', value: job.class },
    { name: 'CPU', value: String(job.vcpu) },
    { name: 'VCPU', value: String(job.vcpu) },
    { name: 'MEMORY', value: String(job.memory) },
    diskOf(service),
    ...nicsOf(service),
    ...pairs({
      SCHED_REQUIREMENTS: andRequirements(service.requirements, job.requirements),
      SCHED_RANK: service.rank,
      SCHED_DS_REQUIREMENTS: service.dsRequirements,
      SCHED_DS_RANK: service.dsRank,
    }).map((p): TemplateAttr => p),
    { name: 'CONTEXT', vector: context },
  ];
  return writeTemplate(attrs);
}
