/**
 * The page frame every web page shares: language, skip link, header with the navigation and who is
 * signed in, the main region, and the status region the forms announce "Sparat" in.
 */
import { partyName, type Actor, type Role } from '@dgr/domain';
import { html, type RawHtml } from './html';

export type PageKey = 'oversikt' | 'fonden' | 'revision' | 'logga-in' | 'initiativ' | 'publikt' | 'publikt-fonden' | 'publikt-kontrollpunkt';

export interface PageOptions {
  /** The page's own title; the document title is "<title> – DGR". */
  readonly title: string;
  /** Who is signed in (undefined: nobody). */
  readonly actor?: Actor;
  /** The navigation entry to mark as the current page. */
  readonly current?: PageKey;
  readonly body: RawHtml;
  /** The HTTP status the page is sent with (the controller sets it; default 200). */
  readonly status?: number;
  /** The navigation instead of the signed-in one (the public pages, /publikt, have their own). */
  readonly navigation?: readonly NavEntry[];
  /** Where the service's name in the header leads (default `/`). */
  readonly home?: string;
}

const ROLE_TITLES: Record<Exclude<Role, 'clerk'>, string> = {
  secretariat: 'Sekretariatet',
  finance: 'Ekonomi',
  auditor: 'Revisor',
};

/** The actor's role in Swedish: "Sekretariatet", "Registrator för Karlstad", "Ekonomi", "Revisor". */
export const roleTitle = (actor: Actor): string =>
  actor.role === 'clerk' ? `Registrator för ${actor.party ? partyName(actor.party) : 'okänd part'}` : ROLE_TITLES[actor.role];

export interface NavEntry {
  readonly key: PageKey;
  readonly href: string;
  readonly label: string;
}

/**
 * The navigation. Every role may read everything (libs/domain/src/authority.ts), so every signed-in
 * actor sees every page; nobody signed in sees only the sign-in page.
 */
export const navigationFor = (actor: Actor | undefined): readonly NavEntry[] =>
  actor
    ? [
        { key: 'oversikt', href: '/', label: 'Översikt' },
        { key: 'fonden', href: '/fonden', label: 'Fonden' },
        { key: 'revision', href: '/revision', label: 'Revision' },
      ]
    : [{ key: 'logga-in', href: '/logga-in', label: 'Logga in' }];

const navigation = (actor: Actor | undefined, current: PageKey | undefined, entries: readonly NavEntry[] = navigationFor(actor)): RawHtml =>
  html`<nav class="huvudmeny" aria-label="Huvudmeny"><ul>${entries.map(
    (e) =>
      html`<li><a href="${e.href}"${e.key === current || (current === 'initiativ' && e.key === 'oversikt') ? html` aria-current="${e.key === current ? 'page' : 'true'}"` : ''}>${e.label}</a></li>`,
  )}</ul></nav>`;

const signedIn = (actor: Actor | undefined): RawHtml =>
  actor
    ? html`<div class="inloggad">
  <p><span class="visually-hidden">Inloggad som </span><strong>${actor.name}</strong> <span class="roll">${roleTitle(actor)}</span></p>
  <form method="post" action="/auth/logout"><button type="submit" class="knapp sekundar">Logga ut</button></form>
</div>`
    : html``;

/** The whole document of a page. */
export const renderPage = (options: PageOptions): string =>
  html`<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} – DGR</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="hoppa" href="#innehall">Hoppa till innehållet</a>
<header class="sidhuvud">
  <div class="sidhuvud-inre">
    <p class="tjanst"><a href="${options.home ?? '/'}">DGR <span class="tjanst-namn">– de gemensamma resurserna</span></a></p>
    ${navigation(options.actor, options.current, options.navigation)}
    ${signedIn(options.actor)}
  </div>
</header>
<main id="innehall" tabindex="-1">
<div id="meddelande" class="meddelande" role="status" aria-live="polite"></div>
${options.body}
</main>
<footer class="sidfot"><p>Region Värmland och Värmlands 16 kommuner · de gemensamma resurserna (DGR)</p></footer>
</body>
</html>
`.value;
