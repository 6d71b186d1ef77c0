/** The console's sign-in link: the token of #token=… is kept for the tab and taken out of the address. */
import { describe, expect, it } from 'vitest';
import { Session, tokenInFragment } from '../../lib/console/session';
import { apiBase } from '../../lib/console/api';

class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length() { return this.items.size; }
  clear() { this.items.clear(); }
  getItem(k: string) { return this.items.get(k) ?? null; }
  key(i: number) { return [...this.items.keys()][i] ?? null; }
  removeItem(k: string) { this.items.delete(k); }
  setItem(k: string, v: string) { this.items.set(k, v); }
}

describe('console session', () => {
  it('reads a token only from a #token= fragment', () => {
    expect(tokenInFragment('#token=svm_abc%2Bd')).toBe('svm_abc+d');
    expect(tokenInFragment('#/queue')).toBeUndefined();
    expect(tokenInFragment('#token=')).toBeUndefined();
  });

  it('keeps the token and replaces the address with the queue route, keeping path and query', () => {
    const storage = new MemoryStorage();
    const replaced: string[] = [];
    const session = new Session(storage);
    session.adoptFragment({ hash: '#token=svm_x', pathname: '/prod/', search: '?a=1' } as Location, { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) } as unknown as History);
    expect(session.token).toBe('svm_x');
    expect(replaced).toEqual(['/prod/?a=1#/queue']);
    session.signOut();
    expect(session.token).toBeUndefined();
    expect(storage.length).toBe(0);
  });

  it('leaves the address alone without a token in it', () => {
    const replaced: string[] = [];
    new Session(new MemoryStorage()).adoptFragment({ hash: '#/hosts', pathname: '/', search: '' } as Location, { replaceState: () => replaced.push('x') } as unknown as History);
    expect(replaced).toEqual([]);
  });

  it('calls the API beside the page, under a stage prefix too', () => {
    expect(apiBase('/')).toBe('/');
    expect(apiBase('/prod')).toBe('/prod/');
    expect(apiBase('/prod/')).toBe('/prod/');
  });
});
