import { place } from '../lib/placer/index.ts';
import { encodeRequest, largeRequest, requestXml } from '../test/placer/requestFixture.ts';
const request = encodeRequest(requestXml(largeRequest(1000, 1000)));
const t = performance.now(); place(request); console.log(performance.now() - t);
