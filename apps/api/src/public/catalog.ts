/**
 * The open data's catalogue in DCAT-AP-SE (the Swedish profile of DCAT-AP, which Sveriges dataportal
 * harvests), as JSON-LD: the catalogue, each dataset with its distributions, the licence and the
 * publisher, Region Värmland. Every distribution is a route of /api/public (or a public page).
 */

/** The public routes, relative to the service's base address; the catalogue and the tests list them from here. */
export const PUBLIC_ROUTES = {
  initiatives: '/api/public/initiatives',
  initiative: (id: string) => `/api/public/initiatives/${id}`,
  decisionsCsv: '/api/public/decisions.csv',
  fund: '/api/public/fund',
  fundYears: '/api/public/fund/years',
  checkpoint: '/api/public/checkpoint',
  consistency: '/api/public/consistency',
  catalog: '/api/public/catalog.jsonld',
  pages: '/publikt',
  fundPage: '/publikt/fonden',
  checkpointPage: '/publikt/kontrollpunkt',
} as const;

const EU = 'http://publications.europa.eu/resource/authority';
const MEDIA = 'https://www.iana.org/assignments/media-types';

export const CATALOG_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dcterms: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

interface Distribution {
  readonly path: string;
  readonly title: string;
  readonly format: 'JSON' | 'CSV' | 'HTML' | 'JSON_LD';
  readonly mediaType: string;
}

interface Dataset {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly keywords: readonly string[];
  readonly themes: readonly string[];
  readonly distributions: readonly Distribution[];
}

/** The media type of each format the catalogue names. */
const MEDIA_TYPES: Record<Distribution['format'], string> = { JSON: 'application/json', CSV: 'text/csv', HTML: 'text/html', JSON_LD: 'application/ld+json' };

/** A distribution: where it is, what it is called, and its format (its media type follows from the format). */
const distribution = (path: string, title: string, format: Distribution['format']): Distribution => ({ path, title, format, mediaType: MEDIA_TYPES[format] });

const DATASETS: readonly Dataset[] = [
  {
    key: 'initiativ',
    title: 'Initiativ om de gemensamma resurserna (DGR)',
    description:
      'Initiativen som Region Värmland och Värmlands 16 kommuner beslutar om i konsensus: status, sista beslutsdag, sökta, beviljade, utbetalda och återförda belopp, och varje initiativ med parternas beslut.',
    keywords: ['DGR', 'Värmlandsrådet', 'initiativ', 'konsensus'],
    themes: ['GOVE', 'REGI'],
    distributions: [
      distribution(PUBLIC_ROUTES.initiatives, 'Initiativen (JSON, sidindelad med limit och offset)', 'JSON'),
      distribution(PUBLIC_ROUTES.pages, 'Initiativen och beslutsmatrisen (webbsida)', 'HTML'),
    ],
  },
  {
    key: 'beslut',
    title: 'Parternas beslut om DGR-initiativ',
    description:
      'Ett beslut per rad: part, beslut, beslutsdatum, beslutande organ, protokollsparagraf, diarienummer, justering, anslag och laga kraft.',
    keywords: ['DGR', 'beslut', 'protokoll', 'laga kraft'],
    themes: ['GOVE'],
    distributions: [distribution(PUBLIC_ROUTES.decisionsCsv, 'Parternas beslut (CSV, UTF-8)', 'CSV')],
  },
  {
    key: 'fonden',
    title: 'Fonden för de gemensamma resurserna (DGR)',
    description: 'Fondens saldo, beviljade men ej utbetalda medel, varje års ingående och utgående balans och förändring, och huvudboken.',
    keywords: ['DGR', 'fond', 'utgående balans', 'huvudbok'],
    themes: ['ECON', 'GOVE'],
    distributions: [
      distribution(PUBLIC_ROUTES.fund, 'Fonden och huvudboken (JSON)', 'JSON'),
      distribution(PUBLIC_ROUTES.fundYears, 'Fondens år (JSON)', 'JSON'),
      distribution(PUBLIC_ROUTES.fundPage, 'Fonden (webbsida)', 'HTML'),
    ],
  },
  {
    key: 'kontrollpunkt',
    title: 'Signerad kontrollpunkt av DGR-loggen',
    description:
      'Loggens storlek och Merkle-rot signerade med Ed25519, den publika nyckeln och konsistensbevis mellan två storlekar, så att vem som helst kan kontrollera att loggen bara växer.',
    keywords: ['DGR', 'kontrollpunkt', 'Merkle-träd', 'signatur'],
    themes: ['GOVE', 'TECH'],
    distributions: [
      distribution(PUBLIC_ROUTES.checkpoint, 'Kontrollpunkten och den publika nyckeln (JSON)', 'JSON'),
      distribution(`${PUBLIC_ROUTES.consistency}?size1=1`, 'Konsistensbevis (JSON; size1 och size2 väljs)', 'JSON'),
      distribution(PUBLIC_ROUTES.checkpointPage, 'Kontrollpunkten och hur den verifieras (webbsida)', 'HTML'),
    ],
  },
];

const sv = (value: string) => ({ '@language': 'sv', '@value': value });
const ref = (iri: string) => ({ '@id': iri });

/** The absolute address of every distribution in the catalogue. */
export const catalogDistributionPaths = (): string[] => DATASETS.flatMap((d) => d.distributions.map((x) => x.path));

/**
 * The catalogue as JSON-LD. `base`: the service's public address without a trailing slash; `modified`:
 * the day of the log's last event (null for an empty log).
 */
export const catalog = (options: { readonly base: string; readonly license: string; readonly modified: string | null; readonly contactEmail?: string | null }) => {
  const { base, license } = options;
  const publisher = `${base}${PUBLIC_ROUTES.catalog}#region-varmland`;
  const modified = options.modified === null ? {} : { 'dcterms:modified': { '@value': options.modified, '@type': 'xsd:date' } };
  const datasets = DATASETS.map((d) => ({
    '@id': `${base}${PUBLIC_ROUTES.catalog}#${d.key}`,
    '@type': 'dcat:Dataset',
    'dcterms:title': sv(d.title),
    'dcterms:description': sv(d.description),
    'dcterms:publisher': ref(publisher),
    'dcterms:accessRights': ref(`${EU}/access-right/PUBLIC`),
    'dcterms:language': ref(`${EU}/language/SWE`),
    'dcat:keyword': d.keywords.map(sv),
    'dcat:theme': d.themes.map((t) => ref(`${EU}/data-theme/${t}`)),
    'dcat:contactPoint': {
      '@type': 'vcard:Organization',
      'vcard:fn': 'Region Värmland',
      'vcard:hasURL': ref(`${base}${PUBLIC_ROUTES.pages}`),
      ...(options.contactEmail ? { 'vcard:hasEmail': ref(`mailto:${options.contactEmail}`) } : {}),
    },
    'dcat:landingPage': ref(`${base}${PUBLIC_ROUTES.pages}`),
    ...modified,
    'dcat:distribution': d.distributions.map((x, n) => ({
      '@id': `${base}${PUBLIC_ROUTES.catalog}#${d.key}-${n + 1}`,
      '@type': 'dcat:Distribution',
      'dcterms:title': sv(x.title),
      'dcat:accessURL': ref(`${base}${x.path}`),
      ...(x.format === 'HTML' ? {} : { 'dcat:downloadURL': ref(`${base}${x.path}`) }),
      'dcterms:format': ref(`${EU}/file-type/${x.format}`),
      'dcat:mediaType': ref(`${MEDIA}/${x.mediaType}`),
      'dcterms:license': ref(license),
    })),
  }));
  return {
    '@context': CATALOG_CONTEXT,
    '@graph': [
      {
        '@id': `${base}${PUBLIC_ROUTES.catalog}`,
        '@type': 'dcat:Catalog',
        'dcterms:title': sv('De gemensamma resurserna (DGR): öppna data'),
        'dcterms:description': sv(
          'Öppna data om hur Region Värmland och Värmlands 16 kommuner i konsensus beslutar om de gemensamma resurserna: initiativ, parternas beslut, fonden och loggens signerade kontrollpunkter.',
        ),
        'dcterms:publisher': ref(publisher),
        'dcterms:license': ref(license),
        'dcterms:language': ref(`${EU}/language/SWE`),
        'foaf:homepage': ref(`${base}${PUBLIC_ROUTES.pages}`),
        ...modified,
        'dcat:dataset': datasets.map((d) => ref(d['@id'])),
      },
      {
        '@id': publisher,
        '@type': 'foaf:Agent',
        'foaf:name': sv('Region Värmland'),
        'dcterms:type': ref('http://purl.org/adms/publishertype/RegionalAuthority'),
      },
      ...datasets,
    ],
  };
};
