/**
 * The preflight (`svmsched-admin check`, and `npm start` against a real cloud): what svmsched
 * will rely on in an OpenNebula, decided from facts gathered beforehand (lib/admin/gather.ts),
 * so the verdicts are plain data: each check passes, warns or fails, and says how to fix it.
 * A failure blocks: jobs could not run. A warning works but with less (e.g. no OneGate).
 */
import type { Service, SvmschedConfig } from '../config/types';
import type { HostStateName } from '../sched/snapshot';
import type { ImageStateName } from '../one/parse';

/** A fact, or why it could not be had. */
export type Got<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface CheckFacts {
  /** Where and as whom the calls went. */
  readonly endpoint: string;
  readonly user: string;
  readonly version: Got<string>;
  readonly hosts: Got<readonly { id: number; name: string; state: HostStateName }[]>;
  readonly images: Got<readonly { id: number; name: string; state: ImageStateName; type: string; datastoreId: number }[]>;
  readonly vnets: Got<readonly { id: number; name: string }[]>;
  readonly datastores: Got<readonly { id: number; name: string; type: string; enabled: boolean }[]>;
  /** oned.conf's ONEGATE_ENDPOINT ("" when unset). */
  readonly oneGate: Got<string>;
  /** The callback base URL, its address from here, and the HTTP status it answered from here. */
  readonly callback: { readonly url: string; readonly address: Got<string>; readonly status: Got<number> };
}

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about it (failures and warnings). */
  readonly fix?: string;
}

/** Host states a VM can be deployed to (the others: ERROR, DISABLED, OFFLINE and their monitoring forms). */
const USABLE_HOST = new Set<HostStateName>(['MONITORED', 'MONITORING_MONITORED', 'INIT', 'MONITORING_INIT']);
/** Image states a new VM can clone from (oned refuses the others at allocate). */
const USABLE_IMAGE = new Set<ImageStateName>(['READY', 'USED']);

const ok = (check: string, detail: string): Check => ({ check, status: 'ok', detail });
const warn = (check: string, detail: string, fix: string): Check => ({ check, status: 'warn', detail, fix });
const fail = (check: string, detail: string, fix: string): Check => ({ check, status: 'fail', detail, fix });

export function blocks(checks: readonly Check[]): boolean {
  return checks.some((c) => c.status === 'fail');
}

export function preflight(config: SvmschedConfig, facts: CheckFacts): Check[] {
  const checks: Check[] = [versionCheck(facts)];
  // Without an answer to the first call the rest says nothing new.
  if (!facts.version.ok) return [...checks, callbackCheck(facts)];
  checks.push(...hostChecks(facts), ...imageChecks(config.services, facts), ...networkChecks(config.services, facts), ...datastoreChecks(facts));
  checks.push(oneGateCheck(facts), callbackCheck(facts));
  return checks;
}

function versionCheck(f: CheckFacts): Check {
  const name = 'OpenNebula';
  if (!f.version.ok) {
    return fail(name, `${f.endpoint} as ${f.user}: ${f.version.error}`,
      'check ONE_XMLRPC (or <opennebula><endpoint>) and the credentials (ONE_AUTH file, or SVMSCHED_ONE_PASSWORD with <opennebula><user>)');
  }
  const major = Number(/^(\d+)\./.exec(f.version.value)?.[1]);
  if (!(major >= 6)) return warn(name, `version ${f.version.value} at ${f.endpoint}`, 'svmsched is made for OpenNebula 6 and 7: upgrade oned');
  return ok(name, `version ${f.version.value} at ${f.endpoint} as ${f.user}`);
}

function hostChecks(f: CheckFacts): Check[] {
  const name = 'hosts';
  if (!f.hosts.ok) return [fail(name, `cannot list hosts: ${f.hosts.error}`, `give ${f.user} the right to list hosts (e.g. a member of the oneadmin group)`)];
  const hosts = f.hosts.value;
  if (hosts.length === 0) return [fail(name, 'no hosts', 'add hosts: onehost create NAME -i kvm -v kvm (or -i dummy -v dummy to try it without VMs)')];
  const byState = new Map<string, string[]>();
  for (const h of hosts) byState.set(h.state, [...(byState.get(h.state) ?? []), h.name]);
  const summary = [...byState].map(([state, names]) => `${names.length} ${state} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`).join('; ');
  const usable = hosts.filter((h) => USABLE_HOST.has(h.state)).length;
  if (usable === 0) return [fail(name, summary, 'no host can take a VM: see onehost show for the error, onehost enable the disabled ones')];
  if (usable < hosts.length) return [warn(name, summary, 'hosts not MONITORED take no jobs: onehost show ID for why, onehost enable ID for disabled ones')];
  return [ok(name, summary)];
}

function imageChecks(services: readonly Service[], f: CheckFacts): Check[] {
  const checks: Check[] = [];
  for (const [image, users] of namedBy(services, (s) => [s.image])) {
    const name = `image ${image}`;
    if (!f.images.ok) { checks.push(fail(name, `cannot list images: ${f.images.error}`, `give ${f.user} the USE right on the services' images`)); continue; }
    const found = f.images.value.filter((i) => (typeof image === 'number' ? i.id === image : i.name === image));
    const forWhom = `for ${users.join(', ')}`;
    if (found.length === 0) {
      checks.push(fail(name, `no such image (${forWhom})`, `create it (oneimage create, or export one from the marketplace: onemarketapp export), or name an existing image in <service><image>`));
    } else if (found.length > 1) {
      checks.push(fail(name, `${found.length} images have this name (ids ${found.map((i) => i.id).join(', ')})`, 'name the image by its id in <service><image>, or rename the others'));
    } else {
      const i = found[0]!;
      if (!USABLE_IMAGE.has(i.state)) checks.push(fail(name, `id ${i.id} is ${i.state} (${forWhom})`, `wait until it is READY, or fix it: oneimage show ${i.id}; oneimage enable ${i.id} if disabled`));
      else if (i.type !== 'OS') checks.push(warn(name, `id ${i.id} is a ${i.type} image, not OS`, 'the VM boots from it: use an OS image with one-context, curl, bash and an NFS client'));
      else checks.push(ok(name, `id ${i.id}, ${i.state}, in datastore ${i.datastoreId} (${forWhom})`));
    }
  }
  return checks;
}

function networkChecks(services: readonly Service[], f: CheckFacts): Check[] {
  const checks: Check[] = [];
  const fixed = namedBy(services, (s) => s.networks.flatMap((n) => (n.mode === 'fixed' ? [n.vnet] : [])));
  const auto = services.filter((s) => s.networks.some((n) => n.mode === 'auto')).map((s) => s.id);
  if (!f.vnets.ok) {
    if (fixed.size > 0 || auto.length > 0) checks.push(fail('networks', `cannot list networks: ${f.vnets.error}`, `give ${f.user} the USE right on the networks`));
    return checks;
  }
  const vnets = f.vnets.value;
  for (const [vnet, users] of fixed) {
    const found = vnets.filter((v) => (typeof vnet === 'number' ? v.id === vnet : v.name === vnet));
    const name = `network ${vnet}`;
    if (found.length === 0) checks.push(fail(name, `no such network (for ${users.join(', ')})`, 'create it (onevnet create), or name an existing network in <service><networks><network>, or use mode="auto"'));
    else if (found.length > 1) checks.push(fail(name, `${found.length} networks have this name`, 'name the network by its id'));
    else checks.push(ok(name, `id ${found[0]!.id} (for ${users.join(', ')})`));
  }
  if (auto.length > 0) {
    if (vnets.length === 0) checks.push(fail('networks (auto)', `no networks for the auto NICs of ${auto.join(', ')}`, 'create a network the VMs may use (onevnet create), in the hosts\' cluster'));
    else checks.push(ok('networks (auto)', `${vnets.length} to choose from for ${auto.join(', ')}`));
  }
  return checks;
}

function datastoreChecks(f: CheckFacts): Check[] {
  const name = 'datastores';
  if (!f.datastores.ok) return [fail(name, `cannot list datastores: ${f.datastores.error}`, `give ${f.user} the right to list datastores`)];
  const all = f.datastores.value;
  const systems = all.filter((d) => d.type === 'SYSTEM' && d.enabled);
  const checks: Check[] = [];
  if (systems.length === 0) checks.push(fail('system datastore', 'no enabled SYSTEM datastore: VMs cannot be deployed', 'create one (onedatastore create with TYPE = SYSTEM_DS) in the hosts\' cluster, or enable it'));
  else checks.push(ok('system datastore', systems.map((d) => `${d.id} ${d.name}`).join(', ')));
  if (f.images.ok) {
    // The datastores the services' images live in: named by the images, so checked through them.
    const used = new Set(f.images.value.map((i) => i.datastoreId));
    for (const d of all.filter((x) => used.has(x.id) && !x.enabled)) {
      checks.push(fail(`datastore ${d.name}`, `datastore ${d.id} holds images and is disabled`, `onedatastore enable ${d.id}`));
    }
  }
  return checks;
}

function oneGateCheck(f: CheckFacts): Check {
  const name = 'OneGate';
  if (!f.oneGate.ok) {
    return warn(name, `cannot read oned.conf as ${f.user}: ${f.oneGate.error}`,
      'make sure ONEGATE_ENDPOINT is set in oned.conf and OneGate runs (systemctl status opennebula-gate): without it VMs cannot be created with CONTEXT TOKEN=YES');
  }
  if (f.oneGate.value === '') {
    return fail(name, 'ONEGATE_ENDPOINT is not set in oned.conf: oned refuses VMs with CONTEXT TOKEN=YES',
      'set ONEGATE_ENDPOINT = "http://<front-end address the VMs reach>:5030" in oned.conf, start opennebula-gate and restart oned');
  }
  return ok(name, `${f.oneGate.value} (reachable from the VMs' network: not checked from here)`);
}

function callbackCheck(f: CheckFacts): Check {
  const name = 'callback URL';
  const { url, address, status } = f.callback;
  const limit = 'answers from here; from the VMs\' network cannot be told here';
  if (!address.ok) {
    return fail(name, `${url}: does not resolve here (${address.error})`, 'set callbackBaseUrl (or SVMSCHED_CALLBACK_URL) to the API\'s address as the VMs reach it');
  }
  if (!status.ok) {
    // The VMs also record their exit code through OneGate: with it, results still arrive.
    const gate = f.oneGate.ok && f.oneGate.value !== '';
    const detail = `${url} (${address.value}): no answer from here (${status.error})${gate ? '; results arrive through OneGate only' : ''}`;
    const fix = 'start the API, or set callbackBaseUrl (SVMSCHED_CALLBACK_URL) to where it listens';
    return gate ? warn(name, detail, fix) : fail(name, detail, fix);
  }
  if (isLoopback(address.value)) {
    return warn(name, `${url} is this machine's loopback (${address.value}): VMs on other machines cannot call it`,
      'set callbackBaseUrl (SVMSCHED_CALLBACK_URL) to an address the VMs reach; meanwhile results arrive through OneGate only');
  }
  return ok(name, `${url} (${address.value}) ${limit}`);
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
}

/** Each value the services name, with the services naming it. */
function namedBy<T extends string | number>(services: readonly Service[], names: (s: Service) => T[]): Map<T, string[]> {
  const out = new Map<T, string[]>();
  for (const s of services) for (const n of names(s)) out.set(n, [...(out.get(n) ?? []), s.id]);
  return out;
}
