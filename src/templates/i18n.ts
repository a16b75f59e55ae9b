import type { Language } from '../domain/model.ts';

/**
 * The interface text of each edition. Feed text is never translated (summaries stay the outlets'
 * own words); only what Frontera itself writes around them is.
 */
export interface EditionText {
  /** The issue's name: "Frontera weekly". */
  brand: string;
  months: string[];
  weeklyDigest: string;
  subjectPrefix: string;
  inThisIssue: string;
  topStories: string;
  viewInBrowser: string;
  pastIssues: string;
  unsubscribe: string;
  /** The link to the reader's preferences page. */
  preferences: string;
  preferencesShort: string;
  noStories: string;
  singleSource: string;
  continuing: string;
  reportedBy: string;
  and: string;
  more: (n: number) => string;
  counts: (stories: number, outlets: number) => string;
  andMoreStories: (n: number) => string;
  receiving: (email: string, host: string) => string;
  /** Shown next to a story told only by outlets writing in another language. */
  originalLanguage: Record<Language, string>;
  coverage: string;
  /** "3 Mexican", "1 internacional": the count and the country's adjective, agreeing in number. */
  countries: Record<'MX' | 'US' | 'INT', (n: number) => string>;
  onlyMexico: string;
  onlyUs: string;
  /** The note naming outlets whose feeds failed for the whole window. */
  missingSources: (list: string, one: boolean) => string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const EDITION_TEXT: Record<Language, EditionText> = {
  en: {
    brand: 'Frontera weekly',
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    weeklyDigest: 'Weekly digest',
    subjectPrefix: 'Frontera weekly: ',
    inThisIssue: 'In this issue',
    topStories: 'Top stories',
    viewInBrowser: 'View in browser',
    pastIssues: 'Past issues',
    unsubscribe: 'Unsubscribe',
    preferences: 'Themes, pause, language',
    preferencesShort: 'Preferences',
    noStories: 'No stories this week.',
    singleSource: 'Single source',
    continuing: 'Continuing from an earlier issue',
    reportedBy: 'Reported by',
    and: 'and',
    more: (n) => `${n} more`,
    counts: (s, o) => `${plural(s, 'story', 'stories')} from ${plural(o, 'outlet', 'outlets')}`,
    andMoreStories: (n) => ` and ${n} more ${n === 1 ? 'story' : 'stories'}`,
    receiving: (email, host) => `You are receiving this because ${email} subscribed to the Frontera weekly digest at ${host}.`,
    originalLanguage: { en: 'In English', es: 'In Spanish' },
    coverage: 'Coverage',
    countries: { MX: (n) => `${n} Mexican`, US: (n) => `${n} US`, INT: (n) => `${n} international` },
    onlyMexico: 'Covered by Mexican outlets only',
    onlyUs: 'Covered by US outlets only',
    missingSources: (list, one) =>
      `Missing this week: ${list}. ${one ? 'Its feed' : 'Their feeds'} failed every time we tried, so ${one ? 'its' : 'their'} coverage is not included.`,
  },
  es: {
    brand: 'Frontera semanal',
    months: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
    weeklyDigest: 'Resumen semanal',
    subjectPrefix: 'Frontera semanal: ',
    inThisIssue: 'En este número',
    topStories: 'Lo más importante',
    viewInBrowser: 'Ver en el navegador',
    pastIssues: 'Números anteriores',
    unsubscribe: 'Cancelar suscripción',
    preferences: 'Temas, pausa, idioma',
    preferencesShort: 'Preferencias',
    noStories: 'No hay noticias esta semana.',
    singleSource: 'Una sola fuente',
    continuing: 'Continúa de un número anterior',
    reportedBy: 'Publicado por',
    and: 'y',
    more: (n) => `${n} más`,
    counts: (s, o) => `${plural(s, 'noticia', 'noticias')} de ${plural(o, 'medio', 'medios')}`,
    andMoreStories: (n) => ` y ${n} ${n === 1 ? 'noticia más' : 'noticias más'}`,
    receiving: (email, host) => `Recibe este correo porque ${email} se suscribió al resumen semanal de Frontera en ${host}.`,
    originalLanguage: { en: 'En inglés', es: 'En español' },
    coverage: 'Cobertura',
    countries: {
      MX: (n) => `${n} ${n === 1 ? 'mexicano' : 'mexicanos'}`,
      US: (n) => `${n} de EE. UU.`,
      INT: (n) => `${n} ${n === 1 ? 'internacional' : 'internacionales'}`,
    },
    onlyMexico: 'Solo en medios mexicanos',
    onlyUs: 'Solo en medios de EE. UU.',
    missingSources: (list, one) =>
      `Faltan esta semana: ${list}. ${one ? 'Su fuente falló' : 'Sus fuentes fallaron'} cada vez que lo intentamos, así que esta cobertura no está incluida.`,
  },
};
