import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/cli/errors';
import { isLocalServer, parseServer } from '../../lib/cli/server';

describe('parseServer', () => {
  it.each([
    ['svmsched@server=localhost', 'http://localhost:3000'],
    ['svmsched@server=10.0.0.5', 'http://10.0.0.5:3000'],
    ['svmsched@server=frontend.example.org:8080', 'http://frontend.example.org:8080'],
    ['http://host:3000', 'http://host:3000'],
    ['http://host:3000/', 'http://host:3000'],
    ['https://abc.execute-api.eu-west-1.amazonaws.com/prod', 'https://abc.execute-api.eu-west-1.amazonaws.com/prod'],
    ['http://host', 'http://host'],
    ['host', 'http://host:3000'],
    ['host:4000', 'http://host:4000'],
    ['host:80', 'http://host'],
    ['[::1]:4000', 'http://[::1]:4000'],
    [' localhost ', 'http://localhost:3000'],
  ])('reads %s as %s', (given, expected) => {
    // Act
    const url = parseServer(given);

    // Assess
    expect(url).toBe(expected);
  });

  it.each(['svmsched@server=', 'ftp://host', 'http://host:3000/?x=1', 'http://exa mple'])('refuses %s as a usage error', (given) => {
    // Act
    const parse = (): string => parseServer(given);

    // Assess
    expect(parse).toThrow(UsageError);
  });

  it('tells a server on this machine from one elsewhere', () => {
    // Assess
    expect(isLocalServer('http://localhost:3000')).toBe(true);
    expect(isLocalServer('http://127.0.0.1:4000')).toBe(true);
    expect(isLocalServer('http://[::1]:3000')).toBe(true);
    expect(isLocalServer('http://svmsched.example.org:3000')).toBe(false);
  });
});
