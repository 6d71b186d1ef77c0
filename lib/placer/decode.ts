/**
 * The request as OpenNebula's scheduler driver sends it: the XML document base64-encoded on
 * stdin (the rank placer reads one whitespace-delimited token, place.cc). Plain XML is
 * accepted too, for people trying the placer by hand.
 */
import { PlacerInputError } from './errors';

export function decodeRequest(input: string): string {
  const text = input.trim();
  if (text.startsWith('<')) return text;
  const blank = text.search(/\s/);
  const token = blank < 0 ? text : text.slice(0, blank);
  // Checking the head is enough to tell base64 from garbage; Buffer ignores nothing it cannot decode silently past it.
  if (token.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(token.slice(0, 4096))) {
    throw new PlacerInputError('stdin holds neither XML nor base64: expected a SCHEDULER_DRIVER_ACTION document');
  }
  const xml = Buffer.from(token, 'base64').toString('utf8').trim();
  if (!xml.startsWith('<')) throw new PlacerInputError('the base64 on stdin does not decode to an XML document');
  return xml;
}
