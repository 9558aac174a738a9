import { AnswerCache, etagOf, matches } from './cached';

describe('public answers cache', () => {
  it('makes a strong ETag from the body', () => {
    expect(etagOf('a')).toBe(etagOf('a'));
    expect(etagOf('a')).not.toBe(etagOf('b'));
    expect(etagOf('a')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });

  it('matches If-None-Match: the tag, weak or strong, in a list, or *', () => {
    const tag = etagOf('x');
    expect(matches(undefined, tag)).toBe(false);
    expect(matches(tag, tag)).toBe(true);
    expect(matches(`W/${tag}`, tag)).toBe(true);
    expect(matches(`"other", ${tag}`, tag)).toBe(true);
    expect(matches('*', tag)).toBe(true);
    expect(matches('"other"', tag)).toBe(false);
  });

  it('makes an answer once per key, and forgets the oldest past its capacity', async () => {
    const cache = new AnswerCache(2);
    let made = 0;
    const make = () => `body ${++made}`;
    expect((await cache.get('a', 'text/plain', make)).body).toBe('body 1');
    expect((await cache.get('a', 'text/plain', make)).body).toBe('body 1');
    await cache.get('b', 'text/plain', make);
    await cache.get('c', 'text/plain', make);
    expect((await cache.get('b', 'text/plain', make)).body).toBe('body 2');
    expect((await cache.get('a', 'text/plain', make)).body).toBe('body 4');
  });

  it('keeps the headers that belong to a body with it', async () => {
    const cache = new AnswerCache();
    await cache.get('a', 'application/json', () => ({ body: '[]', headers: { 'X-Total-Count': '0' } }));
    const again = await cache.get('a', 'application/json', () => 'not made again');
    expect(again).toEqual({ etag: etagOf('[]'), body: '[]', type: 'application/json', headers: { 'X-Total-Count': '0' } });
  });

  it('remembers nothing when making the answer fails', async () => {
    const cache = new AnswerCache();
    await expect(cache.get('a', 'text/plain', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect((await cache.get('a', 'text/plain', () => 'now')).body).toBe('now');
  });
});
