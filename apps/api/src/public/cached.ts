/**
 * Every public answer is cacheable: a strong `ETag` (a hash of the body), `Cache-Control: public`, and
 * `If-None-Match` answered 304 without a body. Bodies are remembered per route and state (the read
 * models' position and today's date), so a repeated request, or a flood of them, costs a map lookup.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** A minute in any cache: the data change as decisions are registered, never faster than that matters. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=60';

export interface CachedBody {
  readonly etag: string;
  readonly body: string;
  readonly type: string;
  /** Headers that belong to the body (e.g. `X-Total-Count`). */
  readonly headers: Readonly<Record<string, string>>;
}

/** What an answer is made of: its body, and the headers that belong to it. */
export type Made = string | { readonly body: string; readonly headers: Readonly<Record<string, string>> };

export const etagOf = (body: string): string => `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 43)}"`;

/** Whether `If-None-Match` names `etag` (a list, weak or strong, or `*`). */
export const matches = (ifNoneMatch: string | undefined, etag: string): boolean => {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
};

/** The last answers by key; the key names the route, its query and the state it was made from. */
export class AnswerCache {
  private readonly answers = new Map<string, CachedBody>();

  constructor(private readonly capacity = 256) {}

  async get(key: string, type: string, make: () => Made | Promise<Made>): Promise<CachedBody> {
    const known = this.answers.get(key);
    if (known) return known;
    const made = await make();
    const { body, headers } = typeof made === 'string' ? { body: made, headers: {} } : made;
    const answer = { etag: etagOf(body), body, type, headers };
    if (this.answers.size >= this.capacity) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, answer);
    return answer;
  }
}

/** Sends a public answer: 304 when the client holds it, else 200 with the body; ETag and Cache-Control either way. */
export const sendCached = (req: Request, res: Response, answer: CachedBody, headers: Record<string, string> = {}): void => {
  res.setHeader('ETag', answer.etag);
  res.setHeader('Cache-Control', PUBLIC_CACHE_CONTROL);
  for (const [name, value] of Object.entries({ ...answer.headers, ...headers })) res.setHeader(name, value);
  if (matches(req.header('if-none-match'), answer.etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type(answer.type).send(answer.body);
};
