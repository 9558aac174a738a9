/** Värmlandsstrategin: focus areas (insatsområden) and their goals (mål), named exactly as in the strategy. */
export const STRATEGY: Readonly<Record<string, readonly string[]>> = {
  'Förbättra livsvillkoren': ['God och jämlik hälsa', 'Ökad tillit', 'Robust samhälle'],
  'Höja kompetensen': [
    'Tillgång till kunskapsutveckling',
    'Attraktiv kunskapsregion',
    'Hållbar arbetsmarknad',
  ],
  'Utveckla attraktiva platser': [
    'Tillgänglig region',
    'Hållbar livskvalitet',
    'Attraktiva livsmiljöer',
  ],
  'Stärka konkurrenskraften': [
    'Innovationsdrivet näringsliv',
    'Livskraftigt näringsliv',
    'Jämställd och jämlik tillgång till makt och inflytande',
    'Cirkulära flöden',
  ],
};

export const STRATEGY_AREAS = Object.keys(STRATEGY);
export const STRATEGY_GOALS = Object.values(STRATEGY).flat();

export interface StrategyLink {
  readonly area: string;
  readonly goal?: string;
}

/** Why a link is not valid, or null when it is. */
export const strategyLinkProblem = (link: StrategyLink): string | null => {
  const goals = Object.hasOwn(STRATEGY, link.area) ? STRATEGY[link.area] : undefined;
  if (!goals) return `"${link.area}" är inget insatsområde i Värmlandsstrategin`;
  if (link.goal !== undefined && !goals.includes(link.goal))
    return `målet "${link.goal}" hör inte till insatsområdet "${link.area}"`;
  return null;
};
