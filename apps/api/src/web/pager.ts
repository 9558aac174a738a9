/**
 * Paging of the pages' long lists (the matrix, the ledger): `?sida=N` from 1, a page read in the query, and the
 * links to the page before and after. A log of any size gives a page of a bounded size (issue 13).
 */
import { html, type RawHtml } from './html';

/** The page asked for in `?sida=` (from 1); anything else is the first page. */
export const pageOf = (query: Record<string, unknown>): number =>
  typeof query.sida === 'string' && /^[1-9]\d{0,6}$/.test(query.sida) ? Number(query.sida) : 1;

export const pageCountOf = (total: number, size: number): number => Math.max(1, Math.ceil(total / size));

/** `path` with `?sida=N`, or without it for the first page (its address stays the one it always had). */
export const pageLink = (path: string, page: number): string => (page > 1 ? `${path}?sida=${String(page)}` : path);

/** Where this page is, and links to the pages before and after it; nothing when everything fits on one page. */
export const pager = (options: { readonly total: number; readonly size: number; readonly page: number; readonly hrefOf: (page: number) => string; readonly label: string }): RawHtml => {
  const { page, hrefOf } = options;
  const pages = pageCountOf(options.total, options.size);
  if (pages <= 1) return html``;
  return html`<nav class="sidor" aria-label="${options.label}">
${page > 1 ? html`<a class="knapp-lank" rel="prev" href="${hrefOf(Math.min(page - 1, pages))}">Föregående sida</a>` : ''}
<span class="sida-av">Sida ${String(Math.min(page, pages))} av ${String(pages)}</span>
${page < pages ? html`<a class="knapp-lank" rel="next" href="${hrefOf(page + 1)}">Nästa sida</a>` : ''}
</nav>`;
};

/** "Visar 101–200 av 975 bokningar." for the rows of one page. */
export const shownText = (options: { readonly total: number; readonly size: number; readonly page: number; readonly shown: number; readonly what: string }): string => {
  const { total, shown, page, what } = options;
  if (shown === 0) return total === 0 ? `Inga ${what}.` : `Visar 0 av ${String(total)} ${what} (sidan ${String(page)} finns inte).`;
  if (total <= shown) return `Visar alla ${String(total)} ${what}.`;
  const first = (page - 1) * options.size + 1;
  return `Visar ${String(first)}–${String(first + shown - 1)} av ${String(total)} ${what}.`;
};
