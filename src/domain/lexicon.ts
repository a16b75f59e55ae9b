import { STOPWORDS } from './terms.ts';

/**
 * A small English–Spanish lexicon for the beat's content words, so an English and a Spanish
 * report of one event share vocabulary beyond names: "extradites" and "extraditan" both become
 * "extradite", "aranceles" and "tariffs" both "tariff". Keys are folded (lower case, no accents)
 * single words; multi-word terms ("Guardia Nacional", "plead guilty") map word by word. Canonical
 * forms are English and never stopwords. Inflections are listed rather than stemmed: a stemmer
 * would also fold names ("Reyes", "Torres") and make unrelated words collide.
 */

const GROUPS: Record<string, string> = {
  arrest: 'arrest arrests arrested arresting detain detains detained detention detencion detenciones detienen detuvieron detuvo detenido detenidos detenida capture captures captured capturing captura capturan capturaron capturado capturada nab nabs nabbed cae caen aprehenden aprehension aprehendido',
  extradite: 'extradite extradites extradited extradition extraditions extradicion extradiciones extraditan extradita extraditado extraditada extraditados extraditar extraditaron',
  transfer: 'transfer transfers transferred traslado traslada trasladan trasladado trasladados trasladaron envia envian envio envios enviado enviados sends sent hands handed entrega entregan entrego entregados expel expels expelled expulsa expulsion',
  tariff: 'tariff tariffs arancel aranceles arancelaria arancelarias arancelario duty duties gravamen gravamenes levy levies',
  cartel: 'cartel cartels cartel carteles cartels narco narcos narcotraficante narcotraficantes trafficker traffickers',
  trafficking: 'trafficking traffic narcotrafico trafico smuggling smuggled contrabando',
  border: 'border borders frontera fronteras fronteriza fronterizo fronterizos fronterizas',
  seize: 'seize seizes seized seizing seizure seizures decomiso decomisos decomisan decomisaron decomisa aseguramiento aseguramientos aseguran aseguraron asegura asegurado asegurados asegurada incautan incautaron incautacion confiscate confiscated bust busts',
  lab: 'lab labs laboratory laboratories laboratorio laboratorios narcolaboratorio narcolaboratorios megalaboratorio narcolab narcolabs',
  soldier: 'soldier soldiers troops troop militar militares soldado soldados army ejercito military sedena defensa',
  navy: 'navy naval marina semar marines marine marinos marino',
  guard: 'guard guards guardia guardias',
  national: 'national nacional nacionales',
  police: 'police policia policias policiaco officers agentes',
  killed: 'kill kills killed killing killings dead death deaths die died dies muertos muerto muertas muerta mueren murieron mata matan mataron asesinan asesinaron asesinado asesinada asesinados asesinato asesinatos murder murdered murders slain homicidio homicidios homicide homicides',
  shooting: 'shooting shootings shot shoot balacera balazos balazo disparos dispararon disparo tiroteo gunfire',
  gunmen: 'gunmen gunman armed armados armado comando comandos sicarios sicario',
  attack: 'attack attacks attacked ataque ataques atacan atacaron atacado ambush ambushed ambushes emboscada emboscan emboscaron emboscadas assault',
  kidnap: 'kidnap kidnapped kidnapping kidnappings abduct abducted abduction secuestro secuestros secuestran secuestraron secuestrados secuestrado secuestra',
  missing: 'missing disappeared disappearance desaparecidos desaparicion desapariciones desaparecido',
  migrant: 'migrant migrants migrante migrantes immigrant immigrants inmigrantes migration migracion migratoria immigration',
  drone: 'drone drones dron',
  explosive: 'explosive explosives explosivo explosivos bomb bombs',
  weapon: 'weapon weapons gun guns firearms arma armas armeras gunmakers',
  lawsuit: 'lawsuit lawsuits suit demanda demandas sues sued demanda demando',
  court: 'court courts corte cortes tribunal tribunales juzgado',
  judge: 'judge judges juez jueza jueces',
  guilty: 'guilty culpable culpables',
  plead: 'plead pleads pleaded declara declaro',
  prosecutor: 'prosecutor prosecutors fiscal fiscales fiscalia prosecution',
  attorney: 'attorney',
  charge: 'charge charges charged cargos cargo acusado acusados acusa acusan accused accuses',
  prison: 'prison prisons prisoner prisoners inmate inmates prision carcel penal penales reo reos presos preso',
  sanction: 'sanction sanctions sanctioned sanciona sancionan sancion sanciones sanciono',
  treasury: 'treasury tesoro',
  terrorist: 'terrorist terrorists terrorism terrorista terroristas terrorismo',
  designate: 'designate designates designated designation designa designan designacion',
  sovereignty: 'sovereignty soberania',
  intervention: 'intervention intervencion intervene',
  agreement: 'agreement agreements deal deals acuerdo acuerdos pact pacto pactan framework marco',
  cooperation: 'cooperation cooperacion cooperate coopera',
  security: 'security seguridad',
  pause: 'pause pauses paused pausing pausa pausan hold halt halts halted suspend suspends suspended suspension suspende suspenden suspendio suspension postpone postpones postponed pospone posponen delay delays delayed reprieve avert averts averted stave tregua',
  impose: 'impose imposes imposed imposing impone imponen impuso slaps slapped',
  threat: 'threat threats threaten threatens threatened amenaza amenazas amenazan amenazo',
  retaliation: 'retaliation retaliatory represalia represalias',
  trade: 'trade comercio comercial comerciales',
  import: 'import imports importaciones importacion',
  export: 'export exports exportaciones exportacion',
  steel: 'steel acero',
  aluminum: 'aluminum aluminium aluminio',
  peso: 'peso pesos',
  remittance: 'remittance remittances remesa remesas',
  tax: 'tax taxes impuesto impuestos',
  water: 'water agua aguas',
  treaty: 'treaty tratado',
  fuel: 'fuel diesel gasolina gasoline huachicol combustible combustibles',
  tanker: 'tanker tankers buque buques ship ships vessel',
  port: 'port ports puerto puertos',
  tunnel: 'tunnel tunnels tunel tuneles narcotunel',
  pill: 'pill pills pastilla pastillas',
  fentanyl: 'fentanyl fentanilo',
  methamphetamine: 'methamphetamine meth metanfetamina metanfetaminas cristal',
  cocaine: 'cocaine cocaina',
  drug: 'drug drugs droga drogas narcotics narcoticos estupefacientes',
  ton: 'ton tons tonnes tonelada toneladas',
  body: 'body bodies cuerpo cuerpos corpse remains restos',
  grave: 'grave graves fosa fosas',
  crematorium: 'crematorium crematorio',
  mayor: 'mayor mayors alcalde alcaldesa alcaldes edil',
  governor: 'governor gobernador gobernadora',
  president: 'president presidente presidenta',
  minister: 'minister secretary secretario secretaria',
  foreign: 'foreign exteriores extranjera extranjeras extranjero',
  journalist: 'journalist journalists periodista periodistas reporter reporters',
  student: 'student students estudiante estudiantes normalistas normalista',
  battalion: 'battalion batallon',
  money: 'money dinero',
  launder: 'launder laundering laundered lavado lava lavar',
  bank: 'bank banks banco bancos',
  fraud: 'fraud frauds fraude fraudes scam scams',
  timeshare: 'timeshare timeshares',
  reward: 'reward recompensa',
  son: 'son sons hijo hijos',
  leader: 'leader leaders lider lideres jefe jefes boss bosses capo capos kingpin',
  founder: 'founder cofounder cofundador fundador',
  faction: 'faction factions faccion facciones',
  war: 'war guerra',
  violence: 'violence violencia violent violenta violento',
  victim: 'victim victims victima victimas',
  wounded: 'wounded injured heridos herido heridas',
  party: 'party fiesta fiestas',
  birthday: 'birthday cumpleanos',
  bus: 'bus buses autobus autobuses camion',
  highway: 'highway road roads carretera carreteras',
  car: 'car cars auto autos vehiculo vehiculos vehicle vehicles',
  wash: 'wash autolavado',
  farmer: 'farmer farmers agricultores productores campesinos',
  corn: 'corn maiz',
  avocado: 'avocado avocados aguacate aguacates',
  inspector: 'inspector inspectors inspeccion inspecciones inspections',
  deploy: 'deploy deploys deployed deployment despliegue despliegan desplegara despliega',
  city: 'city ciudad',
  state: 'state states estado estados',
  united: 'united unidos eu eua eeuu usa',
  mexico: 'mexico mexican mexicans mexicano mexicana mexicanos mexicanas',
  american: 'american americans estadounidense estadounidenses',
  government: 'government gobierno',
  congress: 'congress congreso',
  senate: 'senate senado',
  report: 'report reports informe informes',
  week: 'week weeks semana semanas',
  day: 'day days dia dias',
  year: 'year years ano anos',
  million: 'million millions millon millones',
  thousand: 'thousand thousands',
  dollar: 'dollar dollars dolar dolares',
  liter: 'liter liters litre litres litro litros',
  kilogram: 'kilogram kilograms kilo kilos',
  meter: 'meter meters metre metres metro metros',
  wanted: 'wanted requerido requerida buscados buscado',
  reinforce: 'reinforce reinforces refuerza reforzar',
  dismantle: 'dismantle dismantles dismantled desmantela desmantelan desmantelaron',
  hearing: 'hearing hearings audiencia audiencias',
  operation: 'operation operations operativo operativos',
  raid: 'raid raids redada redadas cateo cateos',
  clash: 'clash clashes enfrentamiento enfrentamientos',
  massacre: 'massacre masacre',
  oil: 'oil petroleo',
  election: 'election elections eleccion elecciones',
};

/** Number words, English and Spanish, written as digits so "seis militares" meets "6 soldiers". */
const NUMBERS: Record<string, string> = {
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', fifteen: '15', twenty: '20', thirty: '30', forty: '40', fifty: '50', hundred: '100',
  dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6', siete: '7', ocho: '8', nueve: '9', diez: '10',
  doce: '12', quince: '15', veinte: '20', treinta: '30', cuarenta: '40', cincuenta: '50', cien: '100',
};

const CANONICAL: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [canonical, variants] of Object.entries(GROUPS)) {
    // A stopword stays a stopword: Spanish "estado" is mostly "ha estado" (has been), not "state".
    for (const word of variants.split(' ')) if (word && !STOPWORDS.has(word) && !map.has(word)) map.set(word, canonical);
  }
  for (const [word, digits] of Object.entries(NUMBERS)) map.set(word, digits);
  return map;
})();

export const LEXICON_SIZE = CANONICAL.size;

/** The canonical forms of the beat's concept words ("tariff", "border", "extradite"). */
export const CONCEPTS: ReadonlySet<string> = new Set(Object.keys(GROUPS));

/**
 * The canonical form of a folded word: the lexicon's entry, else the entry of its English plural
 * stem ("drones" → "drone" is listed; "checkpoints" → "checkpoint" is not, so plain English
 * plurals also meet their singular), else the word itself.
 */
export function canonicalWord(word: string): string {
  const direct = CANONICAL.get(word);
  if (direct !== undefined) return direct;
  // Only plain -s plurals of longer words: "-ss", "-us", "-is" are not plurals ("press", "virus").
  if (word.length > 4 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) {
    const stem = word.slice(0, -1);
    return CANONICAL.get(stem) ?? stem;
  }
  return word;
}

/**
 * Written-out thousands as digits, before tokenising: "400 mil" → "400000", as "400,000" reads once
 * its separator is dropped. "mil millones" (a billion) is left alone.
 */
export function normalizeNumbers(text: string): string {
  return text.replace(/\b(\d{1,3}) mil\b(?! mill)/gi, (_, n: string) => String(Number(n) * 1000));
}
