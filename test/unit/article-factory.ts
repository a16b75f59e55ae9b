import type { Article, Language } from '../../src/domain/model.ts';

/** Wire copies of an article carried by other outlets, as [feedId, outlet]. */
export type Copies = Array<[feedId: string, outlet: string]>;

export interface ArticleSpec {
  id: string;
  title: string;
  summary?: string;
  /** Hours after 2026-11-20T00:00Z. */
  hour?: number;
  language?: Language;
  feedId?: string;
  outlet?: string;
  relevance?: number;
  copies?: Copies;
}

export const BASE_TIME = Date.UTC(2026, 10, 20);

/** A complete, valid Article from the few fields a test cares about. */
export function makeArticle(spec: ArticleSpec): Article {
  const feedId = spec.feedId ?? 'reuters';
  const outlet = spec.outlet ?? 'Reuters';
  const url = `https://${feedId}.example/${spec.id}`;
  const at = new Date(BASE_TIME + (spec.hour ?? 0) * 3_600_000).toISOString();
  return {
    id: spec.id,
    feedId,
    outlet,
    url,
    title: spec.title,
    summary: spec.summary ?? '',
    language: spec.language ?? 'en',
    publishedAt: at,
    fetchedAt: at,
    relevance: spec.relevance ?? 5,
    fingerprint: '0000000000000000',
    sources: [
      { feedId, outlet, url },
      ...(spec.copies ?? []).map(([copyFeed, copyOutlet]) => ({
        feedId: copyFeed,
        outlet: copyOutlet,
        url: `https://${copyFeed}.example/${spec.id}`,
      })),
    ],
  };
}

/**
 * Four events covered in English and Spanish, plus noise that shares words with them:
 * zambada-*: an arrest in Culiacán · tariff-*: a tariff threat · transfer-*: 26 prisoners sent
 * to the US · drone-*: a CJNG drone attack in Michoacán · noise-*: unrelated items.
 */
export function fixtureArticles(): Article[] {
  return [
    makeArticle({
      id: 'zambada-reuters', hour: 10, feedId: 'reuters', outlet: 'Reuters',
      title: 'Mexico arrests Sinaloa cartel figure Ismael Zambada Sicairos in Culiacán - Reuters',
      summary:
        'Mexican marines arrested Ismael Zambada Sicairos, a son of the Sinaloa cartel co-founder, in Culiacán on Thursday, the security cabinet said. ' +
        'Officials said the operation involved 120 troops and no shots were fired. The U.S. had offered a $5 million reward for his capture.',
    }),
    makeArticle({
      id: 'zambada-ap', hour: 12, feedId: 'ap', outlet: 'Associated Press', copies: [['abc', 'ABC News'], ['pbs', 'PBS']],
      title: 'Son of Sinaloa cartel leader Zambada captured in Culiacán',
      summary:
        'Mexican authorities captured a son of Sinaloa cartel co-founder Ismael "El Mayo" Zambada in the city of Culiacán. ' +
        'The arrest came after months of fighting between cartel factions in Sinaloa. Washington welcomed the capture.',
    }),
    makeArticle({
      id: 'zambada-universal', hour: 11, feedId: 'universal', outlet: 'El Universal', language: 'es',
      title: 'Detienen en Culiacán a Ismael Zambada Sicairos, hijo de "El Mayo"',
      summary:
        'Elementos de la Marina detuvieron en Culiacán, Sinaloa, a Ismael Zambada Sicairos, hijo de Ismael "El Mayo" Zambada. ' +
        'El gabinete de seguridad informó que en el operativo participaron 120 elementos. Estados Unidos ofrecía 5 millones de dólares por su captura.',
    }),
    makeArticle({
      id: 'zambada-milenio', hour: 15, feedId: 'milenio', outlet: 'Milenio', language: 'es',
      title: 'Cae hijo de "El Mayo" Zambada en Culiacán; trasladan al detenido a la CDMX',
      summary:
        'Ismael Zambada Sicairos fue trasladado a la Ciudad de México tras su detención en Culiacán. ' +
        'La Fiscalía General de la República lo presentará ante un juez federal.',
    }),
    makeArticle({
      id: 'tariff-nyt', hour: 30, feedId: 'nyt', outlet: 'The New York Times',
      title: 'Trump threatens 30% tariffs on Mexican imports over fentanyl',
      summary:
        'President Trump said he would impose a 30% tariff on all imports from Mexico unless the country does more to stop fentanyl from crossing the border. ' +
        'Mexican officials said they would seek negotiations before the deadline.',
    }),
    makeArticle({
      id: 'tariff-bloomberg', hour: 33, feedId: 'bloomberg', outlet: 'Bloomberg',
      title: 'Peso slides as Trump tariff threat on Mexico revives trade fears',
      summary:
        'The Mexican peso fell 2% after Trump threatened a 30% tariff on Mexican goods over fentanyl trafficking. ' +
        'Economists warned the tariffs would hit auto exports.',
    }),
    makeArticle({
      id: 'tariff-financiero', hour: 32, feedId: 'financiero', outlet: 'El Financiero', language: 'es',
      title: 'Trump amenaza con aranceles de 30% a México por el fentanilo',
      summary:
        'El presidente Donald Trump amenazó con imponer aranceles de 30% a todas las importaciones de México si no frena el tráfico de fentanilo. ' +
        'La Secretaría de Economía buscará negociar antes del plazo.',
    }),
    makeArticle({
      id: 'tariff-reforma', hour: 36, feedId: 'reforma', outlet: 'Reforma', language: 'es',
      title: 'Sheinbaum responde a amenaza de aranceles: "México no se subordina"',
      summary:
        'La presidenta Claudia Sheinbaum dijo que México negociará con Estados Unidos los aranceles de 30% anunciados por Trump, pero sin subordinación. ' +
        'Recordó la cooperación contra el fentanilo.',
    }),
    makeArticle({
      id: 'transfer-reuters', hour: 80, feedId: 'reuters', outlet: 'Reuters',
      title: 'Mexico sends 26 cartel prisoners to the United States',
      summary:
        'Mexico transferred 26 alleged cartel members to the United States on Tuesday, the second mass transfer this year, the attorney general\'s office said. ' +
        'The group includes operators of the CJNG and the Sinaloa cartel wanted by U.S. prosecutors.',
    }),
    makeArticle({
      id: 'transfer-proceso', hour: 82, feedId: 'proceso', outlet: 'Proceso', language: 'es',
      title: 'México envía a 26 presos ligados al narco a Estados Unidos',
      summary:
        'El gobierno de México envió a 26 integrantes del CJNG y del cártel de Sinaloa a Estados Unidos, informó la FGR. ' +
        'Es el segundo envío masivo de reos en el año.',
    }),
    makeArticle({
      id: 'transfer-jornada', hour: 84, feedId: 'jornada', outlet: 'La Jornada', language: 'es',
      title: 'FGR entrega a EU a 26 reos; segundo envío masivo',
      summary:
        'La Fiscalía General de la República entregó a 26 reos a Estados Unidos, en el segundo envío masivo del año. ' +
        'Entre ellos hay operadores del CJNG buscados por fiscales estadounidenses.',
    }),
    makeArticle({
      id: 'drone-ap', hour: 120, feedId: 'ap', outlet: 'Associated Press',
      title: 'Cartel drone attack kills 8 soldiers in Michoacán',
      summary:
        'Eight Mexican soldiers were killed when explosives dropped from drones hit their patrol in Michoacán, the defense ministry said. ' +
        'Officials blamed the Jalisco New Generation Cartel, known as CJNG.',
    }),
    makeArticle({
      id: 'drone-universal', hour: 121, feedId: 'universal', outlet: 'El Universal', language: 'es',
      title: 'Ataque con drones del CJNG mata a 8 militares en Michoacán',
      summary:
        'Ocho militares murieron en Michoacán cuando drones con explosivos atacaron a su patrulla, informó la Defensa. ' +
        'Las autoridades atribuyeron el ataque al Cártel Jalisco Nueva Generación (CJNG).',
    }),
    makeArticle({
      id: 'drone-milenio', hour: 125, feedId: 'milenio', outlet: 'Milenio', language: 'es',
      title: 'Michoacán: emboscada con drones deja 8 militares muertos',
      summary:
        'Los 8 militares muertos en Michoacán patrullaban cuando fueron atacados con drones cargados de explosivos.',
    }),
    makeArticle({
      id: 'noise-farmers', hour: 40, feedId: 'universal', outlet: 'El Universal', language: 'es',
      title: 'Productores de maíz de Sinaloa bloquean carreteras por precios',
      summary: 'Agricultores de Sinaloa bloquearon carreteras para exigir un precio de garantía para el maíz.',
    }),
    makeArticle({
      id: 'noise-stadium', hour: 90, feedId: 'nyt', outlet: 'The New York Times',
      title: 'Mexico City readies Estadio Azteca for the World Cup opener',
      summary: 'Workers are racing to finish renovations at the stadium before the tournament opens in June.',
    }),
  ];
}

/** The events the fixture holds, by id prefix. */
export const FIXTURE_EVENTS = ['zambada', 'tariff', 'transfer', 'drone'] as const;
