import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, parseConfig } from '../../lib/config';
import { minimalXml } from './xml';

/** [what is wrong, the file, the element path named, words of the reason] */
const CASES: Array<[string, string, string, RegExp]> = [
  ['maximum below the default', minimalXml({ service: '<defaultVcpu>8</defaultVcpu>' }), '/svmsched/services/service[1]/maxVcpu', /must be >= defaultVcpu \(8\)/],
  ['lifetime maximum below the default', minimalXml({ service: '<defaultLifetime>60</defaultLifetime><maxLifetime>30</maxLifetime>' }), '/svmsched/services/service[1]/maxLifetime', /must be >= defaultLifetime/],
  ['unknown repository', minimalXml({ repositories: '<repository id="other" export="nfs:/x" mountPoint="/x"/>' }), '/svmsched/services/service[1]/repositories/repository[1]', /unknown repository "data"; declared: other/],
  ['duplicate service id', minimalXml().replace('</services>', '<service id="svc" image="1" executable="/x" maxVcpu="1" maxMemory="64"/></services>'), '/svmsched/services/service[2]/@id', /duplicate service id/],
  ['duplicate repository id', minimalXml({ repositories: '<repository id="data" export="a:/a" mountPoint="/a"/><repository id="data" export="b:/b" mountPoint="/b"/>' }), '/svmsched/repositories/repository[2]/@id', /duplicate repository id/],
  ['a missing required element', minimalXml().replace('<executable>/opt/svc/run</executable>', ''), '/svmsched/services/service[1]/executable', /required element is missing/],
  ['a value that is not a number', minimalXml({ maxMemory: 'plenty' }), '/svmsched/services/service[1]/maxMemory', /must be integer/],
  ['a value out of range', minimalXml({ service: '<defaultVcpu>0</defaultVcpu>' }), '/svmsched/services/service[1]/defaultVcpu', /must be >= 1/],
  ['an unknown enumeration value', minimalXml({ service: '<preemptMode>kill</preemptMode>' }), '/svmsched/services/service[1]/preemptMode', /must be one of: stop, suspend, undeploy, requeue/],
  ['an unknown element', minimalXml({ service: '<maxCpu>2</maxCpu>' }), '/svmsched/services/service[1]/maxCpu', /unknown element; expected one of: id, description/],
  ['a password in the file', minimalXml().replace('<user>oneadmin</user>', '<user>oneadmin</user><password>x</password>'), '/svmsched/opennebula/password', /SVMSCHED_ONE_PASSWORD/],
  ['an element given twice', minimalXml({ service: '<maxVcpu>2</maxVcpu>' }), '/svmsched/services/service[1]/maxVcpu', /more than once/],
  ['a malformed NFS export', minimalXml({ repositories: '<repository id="data" export="/srv/data" mountPoint="/data"/>' }), '/svmsched/repositories/repository[1]/@export', /server:\/path/],
  ['a relative mount point', minimalXml({ repositories: '<repository id="data" export="n:/d" mountPoint="data"/>' }), '/svmsched/repositories/repository[1]/@mountPoint', /absolute path/],
  ['a bad service id', minimalXml().replace('id="svc"', 'id="My Service"'), '/svmsched/services/service[1]/@id', /lower-case letters/],
  ['a bad endpoint', minimalXml().replace('http://localhost:2633/RPC2', 'localhost:2633'), '/svmsched/opennebula/endpoint', /http:\/\/localhost:2633\/RPC2/],
  ['a requirement OpenNebula rejects', minimalXml({ service: '<requirements>CPU &gt;</requirements>' }), '/svmsched/services/service[1]/requirements', /syntax error at column/],
  ['an unknown backfill', minimalXml({ root: '<scheduling><backfill>conservative</backfill></scheduling>' }), '/svmsched/scheduling/backfill', /must be one of: easy, greedy, none/],
  ['a custom policy without rank', minimalXml({ root: '<scheduling><host><policy>custom</policy></host></scheduling>' }), '/svmsched/scheduling/host/rank', /needs a rank/],
  ['a rank with another policy', minimalXml({ root: '<scheduling><datastore><policy>packing</policy><rank>FREE_MB</rank></datastore></scheduling>' }), '/svmsched/scheduling/datastore/rank', /custom policy only/],
  ['a fixed network without vnet', minimalXml({ service: '<networks><network/></networks>' }), '/svmsched/services/service[1]/networks/network[1]/vnet', /needs a vnet/],
  ['an auto network with a vnet', minimalXml({ service: '<networks><network mode="auto" vnet="1"/></networks>' }), '/svmsched/services/service[1]/networks/network[1]/@vnet', /remove vnet/],
  ['text where elements belong', minimalXml({ repositories: 'data' }), '/svmsched/repositories', /unexpected text "data"/],
  ['an element where a value belongs', minimalXml({ maxMemory: '<mb>1</mb>' }), '/svmsched/services/service[1]/maxMemory', /expected a value, found element <mb>/],
  ['a wrong item element', minimalXml({ repositories: '<repo id="data"/>' }), '/svmsched/repositories/repo', /holds <repository> elements only/],
  ['a wrong root element', '<config/>', '/config', /root element must be <svmsched>/],
  ['malformed XML', '<svmsched><services></svmsched>', '/', /not well-formed XML at line 1/],
  ['an unknown entity', minimalXml({ service: '<description>&nbsp;</description>' }), '/svmsched/services/service[1]/description', /unknown entity &nbsp;/],
  ['a DOCTYPE', `<!DOCTYPE svmsched [<!ENTITY x "y">]>${minimalXml().replace(/^<\?xml[^>]*>/, '')}`, '/', /DOCTYPE/],
  ['two roots', '<svmsched/><svmsched/>', '/', /exactly one root element, found 2/],
  ['deep nesting', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, '/', /nested/],
];

describe('parseConfig refuses a bad file, naming the element and the reason', () => {
  it.each(CASES)('%s', (_what, xml, element, reason) => {
    // Act
    const attempt = () => parseConfig(xml, {});

    // Assess
    expect(attempt).toThrow(ConfigInvalidError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigInvalidError).element).toBe(element);
      expect((error as ConfigInvalidError).message).toBe(`${element}: ${(error as ConfigInvalidError).reason}`);
      expect((error as ConfigInvalidError).reason).toMatch(reason);
    }
  });
});
