import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, parseConfig } from '../../lib/config';
import { minimalXml } from './xml';

/** The minimal file with a second service, so that ownership can be split, and these tenants. */
const withTenants = (tenants: string, extra = '') => minimalXml({ root: extra })
  .replace('</services>', '<service id="other" image="1" executable="/x" maxVcpu="1" maxMemory="64"/></services>')
  .replace('</svmsched>', `<tenants>${tenants}</tenants></svmsched>`);

describe('tenants in the configuration', () => {
  it('are none without a <tenants> element, with the default usage half-life', () => {
    // Act
    const config = parseConfig(minimalXml(), {});

    // Assess
    expect(config.tenants).toEqual([]);
    expect(config.scheduling.usageHalfLife).toBe(86400);
  });

  it('reads shares, services, users with their sub-shares, limits and the borrowing limit', () => {
    // Act
    const config = parseConfig(withTenants(`
      <tenant id="acme" share="3">
        <description>The analytics team</description>
        <services><service>svc</service></services>
        <users><user id="carol" share="2"/><user id="erin"/></users>
        <limits><vcpu>64</vcpu><memory>131072</memory><runningJobs>100</runningJobs></limits>
        <borrowLimit><vcpu>8</vcpu></borrowLimit>
      </tenant>
      <tenant id="beta"><share>0.5</share><users><user id="dave"/></users></tenant>`,
    '<scheduling><usageHalfLife>3600</usageHalfLife></scheduling>'), {});

    // Assess
    expect(config.scheduling.usageHalfLife).toBe(3600);
    expect(config.tenants).toEqual([
      {
        id: 'acme', description: 'The analytics team', share: 3, services: ['svc'],
        users: [{ id: 'carol', share: 2 }, { id: 'erin', share: 1 }],
        limits: { vcpu: 64, memoryMb: 131072, runningJobs: 100 }, borrowLimit: { vcpu: 8 },
      },
      { id: 'beta', share: 0.5, services: [], users: [{ id: 'dave', share: 1 }] },
    ]);
  });

  /** [what is wrong, the tenants, the element path named, words of the reason] */
  const CASES: Array<[string, string, string, RegExp]> = [
    ['a user in two tenants', '<tenant id="a" share="1"><users><user id="carol"/></users></tenant><tenant id="b" share="1"><users><user id="carol"/></users></tenant>',
      '/svmsched/tenants/tenant[2]/users/user[1]/@id', /user "carol" is already in tenant a/],
    ['a user listed twice', '<tenant id="a" share="1"><users><user id="carol"/><user id="carol"/></users></tenant>',
      '/svmsched/tenants/tenant[1]/users/user[2]/@id', /user "carol" listed twice/],
    ['a service owned twice', '<tenant id="a" share="1"><services><service>svc</service></services></tenant><tenant id="b" share="1"><services><service>svc</service></services></tenant>',
      '/svmsched/tenants/tenant[2]/services/service[1]', /already owned by tenant a/],
    ['an unknown service', '<tenant id="a" share="1"><services><service>nope</service></services></tenant>',
      '/svmsched/tenants/tenant[1]/services/service[1]', /unknown service "nope"; declared: svc, other/],
    ['a share of 0', '<tenant id="a" share="0"/>', '/svmsched/tenants/tenant[1]/@share', /must be > 0/],
    ['a negative share', '<tenant id="a"><share>-1</share></tenant>', '/svmsched/tenants/tenant[1]/share', /must be > 0/],
    ['a missing share', '<tenant id="a"/>', '/svmsched/tenants/tenant[1]/share', /required element is missing/],
    ['a user sub-share of 0', '<tenant id="a" share="1"><users><user id="carol" share="0"/></users></tenant>', '/svmsched/tenants/tenant[1]/users/user[1]/@share', /must be > 0/],
    ['a duplicate tenant id', '<tenant id="a" share="1"/><tenant id="a" share="2"/>', '/svmsched/tenants/tenant[2]/@id', /duplicate tenant id \(also tenant\[1\]\)/],
    ['a bad tenant id', '<tenant id="Acme Corp" share="1"/>', '/svmsched/tenants/tenant[1]/@id', /lower-case letters/],
    ['a limit of 0 vCPU', '<tenant id="a" share="1"><limits><vcpu>0</vcpu></limits></tenant>', '/svmsched/tenants/tenant[1]/limits/vcpu', /must be >= 1/],
    ['an unknown limit', '<tenant id="a" share="1"><limits><gpus>1</gpus></limits></tenant>', '/svmsched/tenants/tenant[1]/limits/gpus', /unknown element; expected one of: vcpu, memory, runningJobs/],
    ['a negative borrowing limit', '<tenant id="a" share="1"><borrowLimit><memory>-5</memory></borrowLimit></tenant>', '/svmsched/tenants/tenant[1]/borrowLimit/memory', /must be >= 0/],
  ];

  for (const [what, tenants, element, reason] of CASES) {
    it(`refuses ${what}, naming ${element}`, () => {
      let error: unknown;
      try {
        parseConfig(withTenants(tenants), {});
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigInvalidError);
      expect((error as ConfigInvalidError).element).toBe(element);
      expect((error as ConfigInvalidError).reason).toMatch(reason);
    });
  }

  it('refuses a half-life of 0 seconds', () => {
    expect(() => parseConfig(withTenants('', '<scheduling><usageHalfLife>0</usageHalfLife></scheduling>'), {}))
      .toThrow(/\/svmsched\/scheduling\/usageHalfLife: must be >= 1/);
  });
});
