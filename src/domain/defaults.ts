/** Default per-tilbud lists (DOMAIN.md section 2). Each tilbud may edit its own copy. */
import type { InstitutionSettings, ResidentContext, SupportScaleStep } from './model.js';

/** VUM 2.0 (KL's Fælles Faglige Begreber) themes for adults. */
export const ADULT_THEMES: readonly string[] = [
  'Egenomsorg',
  'Praktiske opgaver',
  'Mobilitet',
  'Kommunikation',
  'Samfundsliv',
  'Relationer',
  'Fysiske funktioner',
  'Mentale funktioner',
  'Sociale forhold',
  'Sundhedsforhold',
];

/** ICS themes (the three sides of the triangle) for children. */
export const CHILD_THEMES: readonly string[] = [
  'Sundhedsforhold',
  'Udvikling og adfærd',
  'Dagtilbud, skole og læring',
  'Fritidsforhold og venskaber',
  'Trygt omsorgsmiljø',
  'Stimulering og vejledning',
  'Understøttelse af relationer',
  'Familieforhold og baggrund',
  'Bolig, beskæftigelse og økonomi',
  'Socialt netværk',
];

/** KL's støttebehov scale: lower is better. "Ikke vurderet" is a score of null. */
export const DEFAULT_SUPPORT_SCALE: readonly SupportScaleStep[] = [
  { value: 0, label: { da: 'Intet støttebehov', en: 'No support need' } },
  { value: 1, label: { da: 'Let støttebehov', en: 'Slight support need' } },
  { value: 2, label: { da: 'Moderat støttebehov', en: 'Moderate support need' } },
  { value: 3, label: { da: 'Højt støttebehov', en: 'High support need' } },
  { value: 4, label: { da: 'Fuldstændigt støttebehov', en: 'Complete support need' } },
];

export const NOT_ASSESSED_LABEL = { da: 'Ikke vurderet', en: 'Not assessed' } as const;

/** Beboerdagbog: kontekst with its types (seed 001, footnote 3). */
export const DEFAULT_RESIDENT_CONTEXTS: readonly ResidentContext[] = [
  {
    id: 'hverdag',
    name: 'Hverdagsliv',
    types: [
      { id: 'observation', name: 'Observation' },
      { id: 'samtale', name: 'Samtale' },
      { id: 'aktivitet', name: 'Aktivitet' },
    ],
  },
  {
    id: 'sundhed',
    name: 'Sundhed',
    types: [
      { id: 'medicin', name: 'Medicin' },
      { id: 'soevn', name: 'Søvn' },
      { id: 'kost', name: 'Kost' },
      { id: 'laegebesoeg', name: 'Lægebesøg' },
    ],
  },
  {
    id: 'relationer',
    name: 'Relationer og netværk',
    types: [
      { id: 'paaroerende', name: 'Kontakt med pårørende' },
      { id: 'samvaer', name: 'Samvær' },
      { id: 'konflikt', name: 'Konflikt' },
    ],
  },
  {
    id: 'beskaeftigelse',
    name: 'Skole, uddannelse og beskæftigelse',
    types: [
      { id: 'fremmoede', name: 'Fremmøde' },
      { id: 'samarbejde', name: 'Samarbejde med skole/arbejde' },
    ],
  },
  {
    id: 'praktisk',
    name: 'Praktiske forhold',
    types: [
      { id: 'oekonomi', name: 'Økonomi' },
      { id: 'bolig', name: 'Bolig' },
      { id: 'myndighed', name: 'Kontakt med myndighed' },
    ],
  },
];

export function createDefaultSettings(): InstitutionSettings {
  return {
    supportScale: DEFAULT_SUPPORT_SCALE.map((s) => ({ value: s.value, label: { ...s.label } })),
    residentContexts: DEFAULT_RESIDENT_CONTEXTS.map((c) => ({ ...c, types: c.types.map((t) => ({ ...t })) })),
    themesAdult: [...ADULT_THEMES],
    themesChild: [...CHILD_THEMES],
    trialCycleLimitDays: 14,
  };
}
