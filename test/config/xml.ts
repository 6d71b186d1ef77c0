/** A small valid configuration, with places to change one thing. */
export function minimalXml(parts: { service?: string; image?: string; root?: string; maxMemory?: string; repositories?: string } = {}): string {
  return `<?xml version="1.0"?>
<svmsched>
  <opennebula><endpoint>http://localhost:2633/RPC2</endpoint><user>oneadmin</user></opennebula>
  <callbackBaseUrl>http://localhost:3000</callbackBaseUrl>
  ${parts.root ?? ''}
  <repositories>${parts.repositories ?? '<repository id="data" export="nfs:/srv/data" mountPoint="/data/repository"/>'}</repositories>
  <services>
    <service id="svc">
      <image>${parts.image ?? '0'}</image>
      <executable>/opt/svc/run</executable>
      <maxVcpu>4</maxVcpu>
      <maxMemory>${parts.maxMemory ?? '2048'}</maxMemory>
      <repositories><repository>data</repository></repositories>
      ${parts.service ?? ''}
    </service>
  </services>
</svmsched>`;
}
