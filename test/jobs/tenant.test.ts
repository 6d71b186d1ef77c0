/**
 * A job's tenant, fixed at submit and stored with it: the token's, else the tenant listing the
 * user, else the service's owner, else the default tenant; without tenants in the file, every
 * job is the default tenant's.
 */
import { describe, expect, it } from 'vitest';
import { useDynamoLocal } from '../helpers/dynamo';
import { parseConfig, type SvmschedConfig } from '../../lib/config';
import { openStoreWith } from '../../lib/store';
import { JobService } from '../../lib/jobs/service';
import type { Cloud } from '../../lib/lifecycle/ports';
import type { Caller } from '../../lib/domain/caller';
import { callerTenant, jobTenant } from '../../lib/config/tenancy';
import { minimalXml } from '../config/xml';

const dynamo = useDynamoLocal();

const TENANTS = `<tenants>
  <tenant id="acme" share="3"><users><user id="carol"/></users></tenant>
  <tenant id="beta" share="1"><services><service>owned</service></services><users><user id="dave"/></users></tenant>
</tenants>`;
const xml = (tenants: string) => minimalXml()
  .replace('</services>', '<service id="owned" image="1" executable="/x" maxVcpu="1" maxMemory="64"/></services>')
  .replace('</svmsched>', `${tenants}</svmsched>`);

async function service(config: SvmschedConfig) {
  const store = openStoreWith(dynamo.client, await dynamo.freshTables(), config);
  // No job here gets a VM: the cloud is never called.
  const jobs = new JobService({ repo: store.jobs, config, cloud: {} as Cloud, clock: Date.now, kick: async () => {} });
  return { jobs, store };
}

describe('the tenant of a job', () => {
  it('is the token\'s, else the one listing the user, else the service owner\'s, else the default; stored with the job', async () => {
    // Prepare
    const { jobs, store } = await service(parseConfig(xml(TENANTS), {}));
    const submit = (caller: Caller, svc: string) => jobs.submit(caller, { service: svc, waitForHost: true });

    // Act
    const cases: Array<[Caller, string, string]> = [
      [{ user: 'carol', role: 'user', tenant: 'beta' }, 'svc', 'beta'], // the token wins over the file's list
      [{ user: 'carol', role: 'user' }, 'owned', 'acme'], // the user's tenant wins over the service's owner
      [{ user: 'erin', role: 'user' }, 'owned', 'beta'], // a user no tenant lists: the service's owner
      [{ user: 'erin', role: 'user' }, 'svc', 'default'], // nobody's service: the default tenant
      [{ user: 'erin', role: 'user', tenant: 'gone' }, 'owned', 'beta'], // a token's tenant the file no longer has: passed over
    ];
    const submitted = await Promise.all(cases.map(([caller, svc]) => submit(caller, svc)));

    // Assess
    for (const [i, [caller, svc, tenant]] of cases.entries()) {
      expect(submitted[i]!.tenant, `${JSON.stringify(caller)} on ${svc}`).toBe(tenant);
      expect((await store.jobs.get(submitted[i]!.id))!.tenant).toBe(tenant);
    }
  });

  it('is the default tenant for everyone, token or not, without tenants in the file', async () => {
    const { jobs } = await service(parseConfig(xml(''), {}));

    const job = await jobs.submit({ user: 'carol', role: 'user', tenant: 'acme' }, { service: 'owned', waitForHost: true });

    expect(job.tenant).toBe('default');
  });

  it('a user\'s own tenant, as GET /tenants shows it, leaves services aside', () => {
    const config = parseConfig(xml(TENANTS), {});
    expect(callerTenant(config, { user: 'dave' })).toBe('beta');
    expect(callerTenant(config, { user: 'dave', tenant: 'acme' })).toBe('acme');
    expect(callerTenant(config, { user: 'erin' })).toBe('default');
    expect(jobTenant(config, 'erin', 'owned')).toBe('beta');
  });
});
