import { describe, expect, it } from 'vitest';
import { scanRequirements, splitRequirements } from '../../lib/placer/requirements';

describe('REQUIREMENTS scanner', () => {
  it('reads hosts, datastores and NIC networks per VM, with CDATA, blanks and empty lists', () => {
    // Prepare
    const doc = '<A><VM_POOL/><REQUIREMENTS><VM><ID>4</ID><HOSTS><ID> 1</ID><ID><![CDATA[2]]></ID></HOSTS>'
      + '<NIC><ID>0</ID><VNETS><ID>7</ID></VNETS></NIC><NIC><ID>1</ID><VNETS/></NIC><DATASTORES><ID>0</ID></DATASTORES></VM>'
      + '<VM><ID>5</ID><HOSTS/><DATASTORES/></VM></REQUIREMENTS></A>';
    // Act
    const { rest, section } = splitRequirements(doc);
    const reqs = scanRequirements(section);
    // Assess
    expect(rest).toBe('<A><VM_POOL/><REQUIREMENTS/></A>');
    expect(reqs.get(4)).toEqual({ hosts: [1, 2], datastores: [0], nics: new Map([[0, [7]], [1, []]]) });
    expect(reqs.get(5)).toEqual({ hosts: [], datastores: [], nics: new Map() });
  });
});
