/**
 * SMORTE goal checker (seed 000, section 6; DOMAIN section 2). Pure: the text and fields of a
 * draft goal in, findings with plain Danish and English advice out. Time comes in via ctx.now.
 *
 * Rule design (the word lists below are the data, the functions the rules):
 * - Text is NFC-normalised, cut into word tokens with Intl.Segmenter('da') and lower-cased with
 *   the Danish locale. Words are matched as whole tokens ("mindre" never matches "mindreårig");
 *   hyphenated compounds become one token ("ikke-ryger"); phrases match on token sequences
 *   inside one clause.
 * - Sentences split on . ! ? ; : and line breaks (not after "kl.", "fx." or an ordinal such as
 *   "9. klasse"); clauses split on commas, brackets and spaced dashes. A clause that starts with
 *   a subordinating conjunction (når, hvis, selvom, fordi, så, som, der …) is subordinate; a
 *   conjunction inside a clause makes the rest of it subordinate. A sentence that opens with a
 *   subordinate clause and has no comma gets its main clause at the inverted verb ("Når han
 *   bliver vred går han …"). "at" is transparent: in "Målet er, at Peter ikke råber" the
 *   at-clause is the goal itself. Purpose clauses ("for at", ", så") are subordinate.
 * - S: a vague aim in the main clause (have det bedre, trives, udvikle sig, mere struktur,
 *   selvstændighed, states such as vred/tryg …) is flagged unless the main clause names a concrete
 *   act (a care verb such as smøre/vaske/handle, or going/taking/eating + a concrete place, thing
 *   or person) or the goal names at least two of place, time/frequency, person and a possessed
 *   thing. Without a vague word a goal is flagged only when it names nothing concrete, countable
 *   or situational at all (an avoidance goal names its behaviour, so it is left to O).
 * - M: satisfied by a non-empty indicator, a number (digits or words, not an age), a frequency
 *   (also "altid"/"aldrig"), a duration, a quantifier ("alle", "hele"), a milestone (få/starte/
 *   bestå + job/praktik/kørekort …), or an observable act: a concrete act or possessed thing done
 *   alone/selv/uden hjælp, after "kan", or tied to a trigger situation ("når …", "hver gang").
 *   Improvement framing (bedre, mere, oftere, lære, øve) and avoidance have no observable end point.
 * - O: in a main clause, negation (ikke, aldrig, ingen …, except "ikke kun/bare/blot/mindst"),
 *   avoid/stop/reduce verbs (undgå, stoppe med, holde op med, lade være med, reducere …) and
 *   less-words (mindre, færre, except "en mindre …", "mere eller mindre") give O.avoidance;
 *   absolute demands (altid, hele tiden, til enhver tid …) give O.absolute.
 * - R: purposeId and themeId are both required for relevance; each missing one is a warning
 *   (R.noPurpose: the link to the formål, which DOMAIN names as the relevance link; R.noTheme).
 * - T: end date required, not before today (Europe/Copenhagen calendar date), revision date not
 *   after it, invalid dates are errors; more than 12 months ahead is a warning. Only the
 *   T errors and text.empty/text.tooLong block saving.
 */
import { addMonths, isAfter, isBefore, isValid, parse, startOfDay } from 'date-fns';
import { tz } from '@date-fns/tz';
import { formatCalendarDate } from './dates.js';

export type SmorteLetter = 'S' | 'M' | 'O' | 'R' | 'T';

export interface SmorteDraft {
  text: string;
  indicator?: string;
  /** yyyy-MM-dd */
  endDate?: string;
  /** yyyy-MM-dd */
  revisionDate?: string;
  purposeId?: string;
  themeId?: string;
}

export interface SmorteFinding {
  letter: SmorteLetter;
  severity: 'error' | 'warning';
  code: string;
  message: { da: string; en: string };
}

export const SMORTE_MAX_TEXT = 1000;

const ZONE = 'Europe/Copenhagen';
const END_DATE_HORIZON_MONTHS = 12;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Codes of the findings that stop a goal from being saved. */
const BLOCKING_CODES: ReadonlySet<string> = new Set([
  'text.empty',
  'text.tooLong',
  'T.noEndDate',
  'T.endDatePast',
  'T.revisionAfterEnd',
  'T.invalidDate',
]);

// ---------------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------------

function toWordSet(words: string): ReadonlySet<string> {
  return new Set(words.split(/\s+/).filter((word) => word !== ''));
}

/** A phrase pattern: one set of alternatives per token position. */
type Pattern = ReadonlyArray<ReadonlySet<string>>;

/**
 * A word's skeleton, for words staff type without æ, ø, å or with ae, oe, aa ("undgaa", "undga",
 * "ophore", "lade vaer med"): each of those letters, in either spelling, becomes a plain vowel.
 */
function skeleton(word: string): string {
  return word.replace(/aa|å/g, 'a').replace(/ae|æ/g, 'a').replace(/oe|ø/g, 'o');
}

/** The pattern's words as skeletons (matched against the skeletons of the text's words). */
function toSkeletons(patterns: readonly Pattern[]): Pattern[] {
  return patterns.map((pattern) => pattern.map((slot) => new Set([...slot].map(skeleton))));
}

/** 'have|har det godt|bedre' → [{have,har},{det},{godt,bedre}] */
function toPattern(source: string): Pattern {
  return source
    .trim()
    .split(/\s+/)
    .map((slot) => new Set(slot.split('|')));
}

function toPatterns(sources: readonly string[]): Pattern[] {
  return sources.map(toPattern);
}

/** Regular verb forms: class 1 (vaske: vasker, vaskede, vasket) and class 2 (spise: spiste, spist). */
function expandVerbs(stems: string, kind: 1 | 2): string[] {
  const endings = kind === 1 ? ['e', 'er', 'ede', 'et', 'es', 'ning'] : ['e', 'er', 'te', 't', 'es', 'ning'];
  return stems
    .split(/\s+/)
    .filter((stem) => stem !== '')
    .flatMap((stem) => endings.map((ending) => stem + ending));
}

const NOUN_ENDINGS = ['', 'e', 'en', 'et', 'er', 'erne', 'ene', 'n', 'ne', 't', 'r', 'rne', 's', 'ens', 'ets', 'ns', 'ts'];

/** The ending after a doubled final consonant: "toilet" → "toilettet", "kop" → "koppen". */
const DOUBLED_ENDINGS = ['en', 'et', 'er', 'erne', 'ene'];

function expandNouns(stems: string): string[] {
  return stems
    .split(/\s+/)
    .filter((stem) => stem !== '')
    .flatMap((stem) => [
      ...NOUN_ENDINGS.map((ending) => stem + ending),
      ...DOUBLED_ENDINGS.map((ending) => stem + stem.slice(-1) + ending),
    ]);
}

/** Subordinating conjunctions that always open a subordinate clause. */
const SUBORDINATORS = toWordSet(`
  når hvis selvom fordi mens medens idet eftersom ligesom medmindre skønt uanset hvornår hvorfor
  hvordan hvorvidt hvilken hvilket hvilke indtil førend da end
`);
/** Open a subordinate clause when not first in the sentence (relative or purpose). */
const SUBORDINATORS_NOT_INITIAL = toWordSet('så som hvor hvad hvem');
/** Open a subordinate clause when followed by a subject or "at" ("før han går i seng"). */
const TEMPORAL_CONJUNCTIONS = toWordSet('før inden efter siden');
/** After these words "der" is an expletive or adverb, not a relative pronoun. */
const DER_NOT_RELATIVE = toWordSet(`
  at og men eller hvis når så er var bliver blev skal skulle vil ville kan kunne må bør har havde
  ligger står kommer findes sidder om hvor her ikke også
`);
const COORDINATORS = toWordSet('og men eller samt også');
const SUBJECT_PRONOUNS = toWordSet('han hun hen de den det vi jeg du man');
/** Words that cannot be the finite verb of an inverted main clause. */
const NOT_FINITE_VERB = toWordSet(`
  og men eller at om som der når hvis så fordi da end selvom mens for til fra med hos ved efter før
  inden uden i på af over under mod
`);

const NEGATIONS = toWordSet('ikke ik ikk aldrig ingen intet ingenting hverken ej');
/** After "mindre" these are about size ("mindre opgaver"), not doing less. */
const SIZE_NOUNS = toWordSet('opgave opgaver opgaverne ting trin skridt grupper hold projekter stykker');
/** Who does the act when the goal is staff-centred: staff, not the citizen (an indsats, seed 000 section 6). */
const STAFF_SUBJECTS = toWordSet(`
  personalet personale personalegruppen plejepersonalet medarbejderne medarbejderen medarbejdere
  kontaktpersonen kontaktpersonerne pædagogen pædagogerne pæd nattevagten dagvagten aftenvagten
  vagten støttepersonen støttepersonerne bostøtten bostøtteren hjemmeplejen sygeplejersken
  hjælperen hjælperne teamet vi kp skp bs
`);
/** "Vi" names staff only with what staff do ("Vi sikrer …"); "Vi vil reducere hans brug …" states the citizen's aim. */
const STAFF_VERBS = toWordSet('sikrer sørger hjælper guider støtter motiverer understøtter tilbyder følger minder påminder vækker henter kører laver giver');
/** Passives of what staff do for someone ("skal guides i", "støttes i at"): the citizen is the object, not the doer. */
const INDSATS_PASSIVES = toWordSet(`
  guides støttes hjælpes mades køres motiveres vejledes påmindes mindes følges understøttes
  tilbydes hentes ledsages assisteres skærmes vækkes tilses instrueres opfordres bades klædes
  medicineres doseres
`);
/** "ikke kun …" and friends add, they do not negate the goal. */
const NEGATION_FOCUS = toWordSet('kun bare blot mindst mindre færre');
const LESS_WORDS = toWordSet('mindre færre sjældnere');
const DETERMINERS = toWordSet('en et den det de nogle sin sit sine hans hendes deres');

const AVOIDANCE_PATTERNS = toPatterns([
  'undgå|undgår|undgås|undgik|undgået|undgåelse',
  'undlade|undlader|undlod|undladt',
  'forebygge|forebygger|forebygges|forebygget',
  'forhindre|forhindrer|forhindres|forhindret',
  'stoppe|stopper|stoppede|stoppet med',
  'holde|holder|holdt op med',
  'holde|holder|holdt sig fra|væk',
  'lade|lader|lod være|vær med|at',
  'afstå|afstår|afstod fra',
  'afholde|afholder|afholdt sig fra',
  'ophøre|ophører|ophørte|ophørt',
  'slippe|slipper|slap|sluppet af med',
  'komme|kommer|kom af med',
  'skære|skærer|skar|skåret ned',
  'reducere|reducerer|reduceres|reduceret',
  'mindske|mindsker|mindskes|mindsket',
  'nedbringe|nedbringer|nedbringes|nedbragt',
  'nedsætte|nedsætter|nedsættes',
  'begrænse|begrænser|begrænses',
  'minimere|minimerer|minimeres|minimeret',
  'fri|fritaget for',
  'mindst mulig|muligt',
  'så lidt|få som muligt',
  'droppe|dropper|droppede|droppet',
  'kvitte|kvitter|kvittede|kvittet',
  'slutte|slutter|sluttede|sluttet med',
  'opgive|opgiver|opgav|opgivet',
  'nul episoder|konflikter|konflikt|vold|udbrud|trusler|fravær|magtanvendelser',
  'uden vold|konflikter|konflikt|episoder|udbrud|trusler|magtanvendelse|magtanvendelser|misbrug|skænderier',
]);

const ABSOLUTE_PATTERNS = toPatterns([
  'altid',
  'hele tiden',
  'til enhver tid',
  'uden undtagelse',
  'hver eneste gang',
  'i alle situationer',
  'under alle omstændigheder',
  'hver eneste dag|morgen|aften|nat',
  'for altid',
  'resten af livet|sit|sin|hans|hendes',
  '100 af tiden',
  'fuldstændig|helt selvhjulpen|selvhjulpne|selvstændig',
  'på alle områder',
  'alt selv',
]);

const AVOIDANCE_SKELETONS = toSkeletons(AVOIDANCE_PATTERNS);
const ABSOLUTE_SKELETONS = toSkeletons(ABSOLUTE_PATTERNS);

/** Vague aims (S). */
const VAGUE_PATTERNS = toPatterns([
  'have|har|havde|haft|få|får|fik|fået det godt|bedre|rart|fint|dejligt|bedst|ok|okay|sjovt',
  'trives|trivedes|trivet|trive|trivsel|trivslen|trivsels',
  'udvikle|udvikler|udvikles|udviklede|udviklet|udvikling|udviklingen',
  'arbejde|arbejder|arbejdes|arbejdede|arbejdet med|på',
  'fokus|fokusere|fokuserer|fokuseret|fokusset',
  'struktur|strukturen|strukturere|strukturerer|struktureret|strukturerede',
  'selvstændig|selvstændige|selvstændighed|selvstændigheden',
  'mere selvstændigt',
  'selvhjulpen|selvhjulpenhed',
  'blive|bliver|blev|være|er|føle|føler mere|bedre',
  'styrke|styrker|styrkes|styrket|forbedre|forbedrer|forbedres|forbedret|forbedring',
  'øge|øger|øges|øget|udvide|udvider|udvides|udvidet',
  'livskvalitet|livskvaliteten|velbefindende|velvære|trivsel|tryghed|trygheden|tryg|trygge',
  'ro|rolig|roligere|roligt',
  'mestre|mestrer|mestring|mestringen|livsmestring',
  'klare|klarer|klarede|klaret sig',
  'fungere|fungerer|fungerede',
  'hverdag|hverdagen|hverdagsliv|hverdagslivet|dagligdag|dagligdagen|tilværelse|tilværelsen',
  'balance|balancen|stabilitet|stabil|stabilt|stabile',
  'positiv|positivt|positive|motivation|motiveret|motivationen|selvværd|selvværdet|selvtillid|selvtilliden',
  'kompetence|kompetencer|færdighed|færdigheder|ressourcer|potentiale',
  'sundhed|sund|sundt|sunde|sundere|helbred|helbredet',
  'glad|glade|gladere|tilfreds|tilfredse|tilpas',
  'generelt|generel|overordnet|helhed|helheden',
  'meningsfuld|meningsfuldt|meningsfulde|mening',
  'godt liv',
  'indsigt|forståelse|bevidsthed|bevidst',
  'ansvar|ansvaret|ansvarlig',
  'styr på',
  'social|sociale|socialt',
  'relation|relationer|netværk|netværket|fællesskab|fællesskabet|fællesskaber',
  'adfærd|adfærden|hensigtsmæssig|hensigtsmæssigt|hensigtsmæssige|uhensigtsmæssig',
  'følelse|følelser|humør|humøret|psykisk|psykiske|mental|mentale|mentalt|energi|overskud',
  'tillid|tilliden',
  'vred|vrede|sur|sure|frustreret|frustrerede|urolig|uroligt|utryg|utrygge|stresset|ængstelig|aggressiv|aggressive|udadreagerende',
  'ensom|ensomme|ensomhed|trist|triste|deprimeret|nedtrykt|bange|angst|nervøs|bekymret|genert|tristhed',
  'bedre|mere|god|gode',
  'ked af det',
  'på sigt',
  'i højere|mindre grad',
  'inkluderet|inklusion|deltagelse|integration|integreret',
  'grænse|grænser',
  'udfordring|udfordringer',
  'aktiv|aktive',
  'mere aktivt',
  'liv|livet',
  'oplevelse|oplevelser|opleve|oplever',
  'i stand til',
  'afhængig|afhængige|afhængighed|uafhængig|uafhængige|uafhængighed',
  'nederlag|nederlagene|succes|succeser|succesoplevelse|succesoplevelser',
]);

const COMPARATIVES = toWordSet('mere bedre');

/** Concrete care acts (strong anchor for S, act for M). */
const CONCRETE_VERBS: ReadonlySet<string> = new Set([
  ...expandVerbs(
    `vask smør støvsug rydd tørr fej tømm sorter kog steg skræll handl betal ring overfør øv træn
     tegn mal bad hils tjekk åbn lås tænd slukk hæng fold pakk vågn bag cykl aflys book registrer
     noter doser skift barber børst`,
    1,
  ),
  ...expandVerbs('køb læs send tænd hæv klipp vej dæk klæd', 2),
  ...toWordSet(`
    skrive skriver skrev skrevet sige siger sagde sagt spørge spørger spurgte spurgt fortælle
    fortæller fortalte fortalt melde melder meldte meldt svømme svømmer svømmede sms sms'e sms'er
    sms’e sms’er smser mailer mailede rent aflevere afleverer afleverede synge synger sang tisse
    tisser påklædning afklædning bestille bestiller bestilte bede beder
    råbe råber råbte råbt slå slår slog slået sparke sparker sparkede bide bider bed kaste kaster
    kastede smide smider smed bande bander bandede true truer truede ryge ryger røg røget stjæle
    stjæler stjal skubbe skubber skubbede spytte spytter spyttede
  `),
]);

/** Movement and attendance verbs: concrete when they go to a place, thing or person. */
const MOVE_VERBS = toWordSet(`
  gå går gik gået møde møder mødte mødt komme kommer kom kommet cykle cykler cyklede tage tager tog
  taget køre kører kørte følge følger fulgte besøge besøger besøgte deltage deltager deltog deltaget
  passe passer passede ringe ringer ringede hente henter hentede bruge bruger brugte bringe bringer
  hjælpe hjælper hjalp lave laver lavede
  spise spiser spiste sidde sidder sad holde holder vise viser drikke drikker drak løbe løber lege
  leger legede spille spiller spillede
`);

/**
 * Concrete things and activities. Stems of four letters or more also count as the head of a
 * compound ("skolebussen", "vasketøjet", "beboermødet"); shorter words only as listed forms.
 */
const CONCRETE_NOUN_STEMS = expandNouns(`
  madpakke morgenmad frokost aftensmad mellemmåltid måltid madplan indkøbsliste liste vasketøj
  legetøj sengetøj vaskemaskine tørretumbler opvaskemaskine tallerken seng dyne tandbørste børste
  tandpasta negle brusebad jakke medicin pille piller dosisæske doseringsæske insulin blodsukker
  buskort rejsekort skolebus cykel letbane metro taxa telefon mobil computer tablet ipad kalender
  ugeskema dagsskema skema piktogram vækkeur alarm penge kontanter dankort budget regning husleje
  e-boks mitid brev mail besked affald skrald skraldespand pant støvsuger gulv køleskab tøjskab
  komfur glas vand frugt grøntsag grøntsager slik sodavand energidrik cigaret cigaretter smøg hash
  alkohol lektie lektier bøger avis fodbold håndbold svømning træning gåtur cykeltur
  fællesspisning fællesaktivitet morgensamling samling møde aftale afbud statusmøde lægetid toilet
  hjelm nøgle nøgler fjernsyn playstation computerspil skærm skærmtid hund kurv pose taske
  skoletaske penalhus madkasse drikkedunk vandflaske høreapparat briller kørestol rollator
  hjælpemiddel hjælpemidler bleskift pengepung pung hævekort tandtråd deodorant shampoo sæbe
  håndklæde opvask vask rengøring oprydning indkøb tøjvask madlavning lommepenge ugepenge
  fritidsjob studiejob praktik praktikplads kørekort bankkonto eksamen afgangsprøve svendeprøve
  ansøgning ansøgninger spil stol bord sofa
`);
const CONCRETE_NOUNS: ReadonlySet<string> = new Set(CONCRETE_NOUN_STEMS);
const CONCRETE_NOUNS_EXACT = toWordSet(`
  mad maden mads bad badet tøj tøjet sko skoene kop koppen kopper ovn ovnen bus bussen busser
  busserne ble bleen bleer app appen tur turen ture turene kat katten job jobbet cv sms tog toget
  is øl te tv ur hår håret tand tænder tænderne post posten rum rummet
`);

const PLACE_NOUNS: ReadonlySet<string> = new Set(
  expandNouns(`
    skole klasse klasseværelse værksted arbejdsplads fritidsklub klub ungdomsklub fritidshjem
    børnehave vuggestue dagtilbud botilbud bosted lejlighed værelse køkken fællesrum fælleskøkken
    stue badeværelse gård butik supermarked netto føtex rema lidl kiosk bibliotek svømmehal
    station stoppested busstoppested centrum cafe café kantine jobcenter kommune borgerservice
    tandlæge apotek hospital sygehus bank genbrugsplads park skov strand fitnesscenter værested
    aktivitetscenter dagcenter spisesal spisestue gymnasium efterskole produktionsskole
    uddannelse frisør legeplads afdeling bolig
  `),
);
const PLACE_WORDS = toWordSet('hjemme hjem hjemmet ude byen by udenfor indenfor sfo sfo\'en stu hus huset');

const PERSON_NOUNS: ReadonlySet<string> = new Set(
  expandNouns(`
    kontaktperson personale medarbejder pædagog klasselærer lærerinde mormor morfar farmor farfar
    forældre bedsteforældre søster søskende veninde kammerat klassekammerat kæreste familie
    sagsbehandler læge psykiater psykolog støttekontaktperson mentor træner nabo plejefamilie
    plejeforældre plejemor plejefar værge pårørende beboer voksen voksne hjemmehjælp bostøtte
    sygeplejerske tandlæge frisør chef leder kollega kollegaer
  `),
);
const PERSON_WORDS = toWordSet(`
  mor moren mors moderen far faren fars faderen ven vennen venner vennerne bror broren brødre
  brødrene læreren lærere lærerne lillebror storebror barn barnet børn børnene søn sønnen sønner
  datter datteren døtre
`);

const PERSON_PATTERNS = toPatterns(['sammen med', 'de andre']);

const TIME_WORDS = toWordSet(`
  mandag tirsdag onsdag torsdag fredag lørdag søndag mandagen tirsdagen onsdagen torsdagen fredagen
  lørdagen søndagen mandage tirsdage onsdage torsdage fredage lørdage søndage weekend weekenden
  weekender morgen morgenen morgener formiddag formiddagen middag middagen eftermiddag eftermiddagen
  aften aftenen aftener nat natten nætter kl klokken sengetid sengetiden skoletiden skoledag skoledage
  skoledagen januar februar marts april maj juni
  juli august september oktober november december skoletid frikvarter frikvarteret frikvartererne
  måltider måltiderne sommerferien ferien hverdage
`);
const WEEKDAYS = toWordSet(`
  mandag tirsdag onsdag torsdag fredag lørdag søndag mandagen tirsdagen onsdagen torsdagen fredagen
  lørdagen søndagen mandage tirsdage onsdage torsdage fredage lørdage søndage
`);

const NUMBER_WORDS = toWordSet(`
  to tre fire fem seks syv otte ni ti elleve tolv tretten fjorten femten seksten sytten atten nitten
  tyve tredive fyrre halvtreds tres halvfjerds firs halvfems hundrede tusind halv halvanden én ét
`);
const FREQUENCY_WORDS = toWordSet(`
  dagligt daglig daglige ugentligt ugentlig ugentlige månedligt månedlig månedlige årligt årlig
  hver hvert hverdage gange
`);
/** "Altid" and "aldrig" say how often (M), but not when (S); their problem is O. */
const ABSOLUTE_FREQUENCY_WORDS = toWordSet('altid aldrig');
const DURATION_WORDS = toWordSet('minut minutter minutters min timer timers kvarter kvarteret sekunder sekund døgn uafbrudt');
const DURATION_PATTERNS = toPatterns(['en|én|halv|hel time']);
const FREQUENCY_PATTERNS = toPatterns([
  'om|pr|per|a dagen|ugen|måneden|året|døgnet|dag|uge|måned|år|døgn|gang',
  'i ugen|måneden|døgnet',
  'en|én|et gang',
]);
const OPEN_ENDED_AFTER_ALL = toWordSet('de andre sammen slags mulige');
const OPEN_ENDED_AFTER_WHOLE = toWordSet('tiden livet vejen verden taget');

const INDEPENDENCE_WORDS = toWordSet('alene selvstændigt');
const INDEPENDENCE_PATTERNS = toPatterns([
  'uden hjælp|støtte|påmindelse|påmindelser|guidning|ledsager|ledsagelse|voksenhjælp|voksenstøtte|personale|personalet|assistance|opfordring|hjælpen|støtten',
  'uden at blive|skulle mindet|påmindet|hjulpet|guidet|spurgt',
  'på egen hånd',
  'af sig selv',
  'af egen drift',
]);
const ABILITY_WORDS = toWordSet('kan kunne');
/** Framing as a process rather than a reached state: no observable end point. */
const IMPROVEMENT_WORDS = toWordSet(`
  bedre mere oftere hurtigere lære lærer øve øver forsøge forsøger prøve prøver arbejde arbejder
  mindre færre sjældnere
`);
const MILESTONE_VERBS = toWordSet(`
  få får fik fået starte starter startet begynde begynder begyndt flytte flytter flyttet bestå
  består bestået søge søger søgt gennemføre gennemfører gennemført afslutte afslutter afsluttet
  oprette opretter oprettet tage tager taget komme kommer kommet lave laver lavet
`);
const MILESTONE_NOUNS: ReadonlySet<string> = new Set(
  expandNouns(`
    fritidsjob job praktik praktikplads uddannelse kørekort lejlighed bolig eksamen afgangsprøve
    svendeprøve bankkonto mitid budget læreplads studiejob klasse skoleår forløb
  `),
);

const POSSESSIVES = toWordSet('sin sit sine hans hendes deres');
const NOT_A_NOUN = toWordSet(`
  skal vil kan må bør er var har havde bliver blev får fik og at om til med på i af for som der
  egen eget egne ikke også selv
`);
const NOUN_MODIFIERS = toWordSet('egen eget egne ny nyt nye gamle daglige faste store lille små hele første');
const ABSTRACT_NOUNS = toWordSet(`
  hygiejne økonomi følelser følelse adfærd hverdag hverdagen dag dagen dagligdag liv livet
  tilværelse trivsel udvikling sundhed helbred selvstændighed sprog kommunikation relationer
  relation netværk fritid tid tiden energi humør vrede angst tanker situation læring fremtid rolle
  grænser grænse behov ressourcer kompetencer færdigheder sygdom diagnose motivation selvværd
  selvtillid struktur døgnrytme søvn kost vægt misbrug forbrug aggression aggressioner temperament
  impulser reaktioner krop kroppen identitet seksualitet ensomhed uro stress koncentration
  opmærksomhed selvbillede livsstil rutiner rutine plads skolegang ansvar mål formål kontakt
  kontakten
`);

const ABBREVIATIONS = toWordSet(`
  kl fx f.eks eks bl.a ca pr min max evt dvs mht inkl nr osv mv jf ex ifm m.m hhv vha ift iflg tlf
  st km kr ugl dgl pæd ped soc ass
`);

// ---------------------------------------------------------------------------------------------
// Tokens and clauses
// ---------------------------------------------------------------------------------------------

interface Token {
  raw: string;
  norm: string;
  sentence: number;
  clause: number;
  sentenceStart: boolean;
  /** True when the token is in a main clause (see markClauses). */
  main: boolean;
  /** The first token after a colon: what came before may be a label ("Trygt omsorgsmiljø: …"). */
  afterColon?: boolean;
  /** `skeleton(norm)`, once it is needed. */
  fold?: string;
}

const segmenter = new Intl.Segmenter('da', { granularity: 'word' });

function toLowerDa(text: string): string {
  return text.toLocaleLowerCase('da-DK');
}

function isDigitsOnly(text: string): boolean {
  return /^\d+$/.test(text);
}

function startsLowerOrDigit(text: string): boolean {
  const first = text.charAt(0);
  return /\d/.test(first) || (first === toLowerDa(first) && first !== first.toLocaleUpperCase('da-DK'));
}

function startsUpper(text: string): boolean {
  const first = text.charAt(0);
  return first !== toLowerDa(first);
}

/** Splits a goal text into word tokens with sentence and clause numbers. */
function tokenize(text: string): Token[] {
  const segments = [...segmenter.segment(text.normalize('NFC'))];
  const tokens: Token[] = [];
  let sentence = 0;
  let clause = 0;
  let atSentenceStart = true;
  let colon = false;
  let joinNext = '';
  segments.forEach((segment, index) => {
    const value = segment.segment;
    if (segment.isWordLike) {
      const last = tokens[tokens.length - 1];
      if (joinNext !== '' && last) {
        last.raw = `${last.raw}${joinNext}${value}`;
        last.norm = toLowerDa(last.raw);
      } else {
        tokens.push({ raw: value, norm: toLowerDa(value), sentence, clause, sentenceStart: atSentenceStart, main: true, ...(colon ? { afterColon: true } : {}) });
        atSentenceStart = false;
        colon = false;
      }
      joinNext = '';
      return;
    }
    joinNext = '';
    const previous = segments[index - 1];
    const next = segments[index + 1];
    const between = previous?.isWordLike === true && next?.isWordLike === true;
    // "ikke-ryger" is one word; so are "8:30" and "3–4".
    if (between && /^[-\u2010\u2011]$/.test(value)) {
      joinNext = '-';
      return;
    }
    if (between && /^[:.\u2013/]$/.test(value) && /\d$/.test(previous.segment) && /^\d/.test(next.segment)) {
      joinNext = value;
      return;
    }
    if (/[\n!?;:]/.test(value) || (value.includes('.') && isSentenceEnd(tokens, segments, index))) {
      colon = value.includes(':');
      sentence += 1;
      clause += 1;
      atSentenceStart = true;
      return;
    }
    if (/[,()[\]\u2013\u2014]/.test(value) || /^[-\u2010\u2011]$/.test(value)) clause += 1;
  });
  return tokens;
}

function isSentenceEnd(tokens: readonly Token[], segments: readonly Intl.SegmentData[], index: number): boolean {
  const previous = tokens[tokens.length - 1];
  if (!previous) return true;
  if (ABBREVIATIONS.has(previous.norm)) return false;
  const nextWord = segments.slice(index + 1).find((segment) => segment.isWordLike);
  if (!nextWord) return true;
  // "9. klasse", "1. juni": an ordinal, not the end of a sentence.
  return !(isDigitsOnly(previous.norm) && startsLowerOrDigit(nextWord.segment));
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => number): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Length of the subordinating conjunction at position i (0 when there is none). */
function getSubordinatorLength(clause: readonly Token[], i: number, clauseInitial: boolean): number {
  const token = clause[i];
  if (!token) return 0;
  const word = token.norm;
  const next = clause[i + 1]?.norm;
  const previous = clause[i - 1]?.norm;
  if (word === 'selv' && (next === 'om' || next === 'når' || next === 'hvis')) return 2;
  if ((word === 'for' || word === 'så' || word === 'således' || word === 'sådan') && next === 'at') return 2;
  if (word === 'så' && (next === 'længe' || next === 'snart')) return 2;
  if (SUBORDINATORS.has(word)) return 1;
  // ", om han har lyst eller ej": "om" opening a clause after a comma means "whether".
  if (word === 'om' && clauseInitial && !token.sentenceStart) return 1;
  if (SUBORDINATORS_NOT_INITIAL.has(word) && !token.sentenceStart) return 1;
  if (word === 'der' && !token.sentenceStart && (clauseInitial || previous === undefined || !DER_NOT_RELATIVE.has(previous))) {
    return 1;
  }
  if (TEMPORAL_CONJUNCTIONS.has(word) && next !== undefined && (SUBJECT_PRONOUNS.has(next) || next === 'at')) return 1;
  return 0;
}

function isSubjectLike(token: Token | undefined): boolean {
  if (!token) return false;
  return SUBJECT_PRONOUNS.has(token.norm) || (startsUpper(token.raw) && !token.sentenceStart);
}

/** In "Når han bliver vred går han en tur" the main clause starts at the inverted verb "går". */
function findInvertedVerb(clause: readonly Token[], from: number): number {
  for (let i = from + 1; i < clause.length - 1; i += 1) {
    const token = clause[i];
    if (!token || NOT_FINITE_VERB.has(token.norm) || SUBJECT_PRONOUNS.has(token.norm) || NEGATIONS.has(token.norm)) continue;
    if (isSubjectLike(clause[i + 1])) return i;
  }
  return -1;
}

function markFrom(clause: readonly Token[], from: number, main: boolean): void {
  for (const token of clause.slice(from)) token.main = main;
}

/** Marks every token as in a main or a subordinate clause. */
function markClauses(tokens: readonly Token[]): void {
  for (const sentence of groupBy(tokens, (token) => token.sentence)) {
    const clauses = groupBy(sentence, (token) => token.clause);
    clauses.forEach((clause, clauseIndex) => {
      markClause(clause, clauseIndex === 0);
    });
  }
}

function markClause(clause: readonly Token[], sentenceInitial: boolean): void {
  let start = 0;
  while (start < clause.length && COORDINATORS.has(clause[start]?.norm ?? '')) start += 1;
  const openerLength = getSubordinatorLength(clause, start, true);
  let scanFrom = start;
  if (openerLength > 0) {
    const inverted = sentenceInitial ? findInvertedVerb(clause, start + openerLength) : -1;
    if (inverted < 0) {
      markFrom(clause, 0, false);
      return;
    }
    markFrom(clause, 0, false);
    markFrom(clause, inverted, true);
    scanFrom = inverted + 1;
  }
  for (let i = scanFrom; i < clause.length; i += 1) {
    if (getSubordinatorLength(clause, i, false) > 0) {
      markFrom(clause, i, false);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Matching helpers
// ---------------------------------------------------------------------------------------------

/** Tokens matched by the pattern at position i (same clause), or undefined. */
function matchAt(tokens: readonly Token[], i: number, pattern: Pattern, folded = false): Token[] | undefined {
  const first = tokens[i];
  if (!first) return undefined;
  const matched: Token[] = [];
  for (let k = 0; k < pattern.length; k += 1) {
    const token = tokens[i + k];
    const slot = pattern[k];
    if (!token || !slot || token.clause !== first.clause || !slot.has(folded ? (token.fold ??= skeleton(token.norm)) : token.norm)) return undefined;
    matched.push(token);
  }
  return matched;
}

/** Every match of the patterns, as phrases; mainOnly keeps matches that start in a main clause. */
function findPhrases(tokens: readonly Token[], patterns: readonly Pattern[], mainOnly: boolean, folded = false): string[] {
  const found: string[] = [];
  tokens.forEach((token, i) => {
    if (mainOnly && !token.main) return;
    for (const pattern of patterns) {
      const matched = matchAt(tokens, i, pattern, folded);
      if (matched) found.push(matched.map((t) => t.norm).join(' '));
    }
  });
  return found;
}

/**
 * Vague aims in the main clause, longest phrase first ("have det bedre", not also "bedre");
 * "mere end 5000 skridt" is a measure, not a vague "mere".
 */
function findVague(tokens: readonly Token[]): string[] {
  const matches: { start: number; end: number; text: string }[] = [];
  tokens.forEach((token, i) => {
    if (!token.main) return;
    for (const pattern of VAGUE_PATTERNS) {
      const matched = matchAt(tokens, i, pattern);
      if (!matched) continue;
      const last = matched[matched.length - 1];
      if (last && COMPARATIVES.has(last.norm) && tokens[i + matched.length]?.norm === 'end') continue;
      matches.push({ start: i, end: i + matched.length, text: matched.map((t) => t.norm).join(' ') });
    }
  });
  const outer = matches.filter(
    (match) =>
      !matches.some(
        (other) => other !== match && other.start <= match.start && other.end >= match.end && other.end - other.start > match.end - match.start,
      ),
  );
  return dedupe(outer.map((match) => match.text));
}

function hasPhrase(tokens: readonly Token[], patterns: readonly Pattern[]): boolean {
  return findPhrases(tokens, patterns, false).length > 0;
}

/**
 * True when the word is in the set, or is a compound whose head (last part, four letters or
 * more) is in it: Danish puts the head last ("skolebussen", "aftensmaden").
 */
function isInSet(word: string, set: ReadonlySet<string>): boolean {
  if (set.has(word)) return true;
  for (let cut = 3; cut <= word.length - 4; cut += 1) {
    if (set.has(word.slice(cut))) return true;
  }
  return false;
}

function isConcreteNoun(word: string): boolean {
  return CONCRETE_NOUNS_EXACT.has(word) || isInSet(word, CONCRETE_NOUNS);
}

function isPlace(word: string): boolean {
  return PLACE_WORDS.has(word) || isInSet(word, PLACE_NOUNS);
}

function isPerson(word: string): boolean {
  return PERSON_WORDS.has(word) || isInSet(word, PERSON_NOUNS);
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------
// Text features
// ---------------------------------------------------------------------------------------------

interface TextFeatures {
  vague: string[];
  strongAct: boolean;
  /** How many of place, time/frequency, person and a possessed thing the goal names. */
  weakAnchors: number;
  /** A trigger situation: "når …", "hvis …", "hver gang …". */
  trigger: boolean;
  /** The main clause names a behaviour to avoid: that behaviour is the "what". */
  avoidance: boolean;
  quantity: boolean;
  observableAct: boolean;
  improvementFrame: boolean;
}

/** "14 år", "14-årige": an age, not a measure. */
function isAge(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  if (!token) return false;
  if (/^\d+-årig/.test(token.norm)) return true;
  const next = tokens[i + 1]?.norm;
  const previous = tokens[i - 1]?.norm;
  const durationPrepositions = new Set(['i', 'om', 'efter', 'på', 'inden', 'hvert', 'hver', 'over']);
  return (next === 'år' || next === 'årig' || next === 'årige') && (previous === undefined || !durationPrepositions.has(previous));
}

/** A frequency or a recurring time: "hver dag", "to gange om ugen", "dagligt", "om tirsdagen". */
function hasFrequency(tokens: readonly Token[]): boolean {
  return tokens.some(
    (token, i) =>
      FREQUENCY_WORDS.has(token.norm) ||
      WEEKDAYS.has(token.norm) ||
      FREQUENCY_PATTERNS.some((pattern) => matchAt(tokens, i, pattern) !== undefined),
  );
}

const MONTH_WORDS = toWordSet('januar februar marts april maj juni juli august september oktober november december jan feb mar apr jun jul aug sep sept okt nov dec');
/** A number after these names a thing (a room, a ward, a week, a bus), it does not count. */
const NUMBERED_THINGS = toWordSet('værelse værelset lejlighed lejlighedsnr stue afdeling afd nr nummer hus bus linje rum uge kvartal');
/** A number before these is a grade or a rank, not an amount. */
const RANK_WORDS = toWordSet('klasse klassetrin semester årgang sal');

/**
 * A number that measures nothing: a year ("i 2027"), a date ("1. juni", "1.6.2027"), a school
 * grade ("9. klasse"), a number of a thing ("værelse 12", "uge 12"). A date is T, not M.
 */
function isIdentifierNumber(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  if (!token) return false;
  const word = token.norm;
  if (/^\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?$/.test(word)) return true;
  if (!/^\d+$/.test(word)) return false;
  if (/^(?:19|20)\d{2}$/.test(word)) return true;
  const next = tokens[i + 1]?.norm ?? '';
  const previous = tokens[i - 1]?.norm ?? '';
  return MONTH_WORDS.has(next) || RANK_WORDS.has(next) || NUMBERED_THINGS.has(previous) || MONTH_WORDS.has(previous);
}

/**
 * A state or feeling as the aim ("føler sig tryg", "har det godt", "sover godt", "er rolig"):
 * how often ("hver dag", "altid") does not make it measurable; a number, a scale or an indicator does.
 */
const STATE_PATTERNS = toPatterns([
  'føle|føler|følte sig',
  'have|har det godt|bedre|fint|rart|dårligt',
  'have|har en god|godt',
  'være|er|blive|bliver glad|gladere|tryg|rolig|roligere|ren|velsoigneret|stabil|clean|ædru|tilfreds|afslappet|positiv|motiveret|glade',
  'sove|sover godt|bedre|trygt|roligt',
  'trives|trivsel',
  'holde|holder sig clean|ædru|rolig|rask',
  'mærke|mærker sig selv',
]);
const SCALE_WORDS = toWordSet('skala skalaen niveau score scoren procent point');

function hasStateAim(tokens: readonly Token[]): boolean {
  return findPhrases(tokens, STATE_PATTERNS, true).length > 0;
}

/** What can measure a state: a number (not an age, a date or a grade), a number word, a scale. */
function hasNumericMeasure(tokens: readonly Token[]): boolean {
  return tokens.some((token, i) => (/\d/.test(token.norm) && !isAge(tokens, i) && !isIdentifierNumber(tokens, i)) || NUMBER_WORDS.has(token.norm) || SCALE_WORDS.has(token.norm));
}

/** Anything countable: a number, a frequency, a duration, "alle …", "hele …". */
function hasQuantity(tokens: readonly Token[]): boolean {
  if (hasFrequency(tokens) || hasPhrase(tokens, [toPattern('hele tiden')])) return true;
  return tokens.some((token, i) => {
    const word = token.norm;
    const next = tokens[i + 1]?.norm;
    if (/\d/.test(word)) return !isAge(tokens, i) && !isIdentifierNumber(tokens, i);
    if (NUMBER_WORDS.has(word) || DURATION_WORDS.has(word) || ABSOLUTE_FREQUENCY_WORDS.has(word)) return true;
    if (word === 'alle' && next !== undefined && !OPEN_ENDED_AFTER_ALL.has(next)) return true;
    if (word === 'hele' && next !== undefined && !OPEN_ENDED_AFTER_WHOLE.has(next)) return true;
    return DURATION_PATTERNS.some((pattern) => matchAt(tokens, i, pattern) !== undefined);
  });
}

/** A concrete act: a care verb, a movement verb going somewhere, or (nouns allowed) a concrete thing. */
function isStrongActToken(tokens: readonly Token[], i: number, allowNoun: boolean): boolean {
  const token = tokens[i];
  if (!token) return false;
  if (CONCRETE_VERBS.has(token.norm) || (allowNoun && isConcreteNoun(token.norm))) return true;
  if (!MOVE_VERBS.has(token.norm)) return false;
  // "går i skole", "ringer til sin mor", "deltager i fodboldtræning"
  return tokens.some(
    (other, j) => j > i && other.clause === token.clause && (isPlace(other.norm) || isPerson(other.norm) || isConcreteNoun(other.norm)),
  );
}

/** A possessed thing that is not an abstract area: "sit høreapparat", but not "sin hygiejne". */
function hasPossessedObject(tokens: readonly Token[]): boolean {
  return tokens.some((token, i) => {
    // "Hans" with a capital is more likely the name than "his".
    if (!POSSESSIVES.has(token.norm) || startsUpper(token.raw)) return false;
    let j = i + 1;
    while (tokens[j] && NOUN_MODIFIERS.has(tokens[j]?.norm ?? '')) j += 1;
    const noun = tokens[j];
    if (!noun || noun.clause !== token.clause || noun.norm.length < 3) return false;
    const word = noun.norm;
    const vague = VAGUE_PATTERNS.some((pattern) => pattern.length === 1 && pattern[0]?.has(word));
    return !ABSTRACT_NOUNS.has(word) && !NOT_A_NOUN.has(word) && !vague && !isPlace(word) && !isPerson(word);
  });
}

function hasTriggerSituation(tokens: readonly Token[]): boolean {
  return tokens.some(
    (token, i) => token.norm === 'når' || token.norm === 'hvis' || (token.norm === 'hver' && tokens[i + 1]?.norm === 'gang'),
  );
}

/** "får et fritidsjob", "har bestået sin afgangsprøve": the verb, then the thing within a few words. */
function hasMilestone(tokens: readonly Token[]): boolean {
  const reach = 4;
  return tokens.some(
    (token, i) =>
      MILESTONE_VERBS.has(token.norm) &&
      tokens
        .slice(i + 1, i + 1 + reach)
        .some((other) => other.clause === token.clause && isInSet(other.norm, MILESTONE_NOUNS)),
  );
}

function isIndependenceToken(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i];
  if (!token) return false;
  if (INDEPENDENCE_WORDS.has(token.norm)) return true;
  if (token.norm === 'selv') {
    const next = tokens[i + 1]?.norm;
    const previous = tokens[i - 1]?.norm;
    // "selv om", "selv når" are conjunctions; "klarer sig selv" is a vague phrase.
    return next !== 'om' && next !== 'når' && next !== 'hvis' && previous !== 'sig';
  }
  return INDEPENDENCE_PATTERNS.some((pattern) => matchAt(tokens, i, pattern) !== undefined);
}

function extractFeatures(tokens: readonly Token[], avoidance: boolean): TextFeatures {
  // Only the main clause states the aim: "når han bliver vred" is a situation, not a vague aim.
  const vague = findVague(tokens);
  // The act (what) must be in the main clause; the situation (where, when, with whom) may be anywhere.
  // With a vague verb ("trives med sin medicin", "styr på sine lektier") a concrete thing alone
  // is no act: a concrete verb must name what the citizen does.
  const strongAct = tokens.some((token, i) => token.main && isStrongActToken(tokens, i, vague.length === 0));
  const state = hasStateAim(tokens);
  const quantity = state ? hasNumericMeasure(tokens) : hasQuantity(tokens);
  const place = tokens.some((token) => isPlace(token.norm) || (!token.main && isConcreteNoun(token.norm)));
  const person = tokens.some((token) => isPerson(token.norm)) || hasPhrase(tokens, PERSON_PATTERNS);
  const time = hasFrequency(tokens) || tokens.some((token) => TIME_WORDS.has(token.norm));
  const possessed = hasPossessedObject(tokens);
  const weakAnchors = [place, person, time, possessed].filter(Boolean).length;
  const improvementFrame = tokens.some((token) => token.main && IMPROVEMENT_WORDS.has(token.norm));
  const independent = tokens.some((_, i) => isIndependenceToken(tokens, i));
  const able = tokens.some((token) => token.main && ABILITY_WORDS.has(token.norm));
  const trigger = hasTriggerSituation(tokens);
  // Not doing something is no observable end point: an avoidance goal needs a number to be measurable.
  const observableAct =
    !avoidance &&
    !improvementFrame &&
    !state &&
    (hasMilestone(tokens) || ((strongAct || possessed) && (independent || able || trigger)));
  return { vague, strongAct, weakAnchors, trigger, avoidance, quantity, observableAct, improvementFrame };
}

// ---------------------------------------------------------------------------------------------
// Letters
// ---------------------------------------------------------------------------------------------

function quote(phrases: readonly string[]): string {
  return phrases
    .slice(0, 3)
    .map((phrase) => `"${phrase}"`)
    .join(', ');
}

/**
 * The goal's first sentence with a verb states what staff do ("Personalet guider …", "Vi sikrer
 * …") or has the citizen as the object of a passive ("skal guides i …", "støttes i at …"): the
 * words that show it, or undefined.
 */
function findStaffCentred(tokens: readonly Token[]): string | undefined {
  const sentences = groupBy(tokens, (token) => token.sentence);
  for (const [index, sentence] of sentences.entries()) {
    // A label before a colon ("Trygt omsorgsmiljø:") has no verb: the goal is the next sentence.
    if (sentence.length < 3 || (sentence.length <= 4 && sentences[index + 1]?.[0]?.afterColon === true)) continue;
    const [first, second] = sentence;
    const staffSubject = first !== undefined && STAFF_SUBJECTS.has(first.norm) && (first.norm !== 'vi' || STAFF_VERBS.has(second?.norm ?? ''));
    if (first && second && staffSubject && second.norm !== 'og' && second.norm !== 'i' && second.norm !== 'med') return `${first.raw} ${second.raw}`;
    const passive = sentence.slice(0, 5).findIndex((token) => token.main && INDSATS_PASSIVES.has(token.norm));
    if (passive > 0) return sentence.slice(Math.max(0, passive - 1), passive + 1).map((t) => t.raw).join(' ');
    return undefined;
  }
  return undefined;
}

function checkStaffCentred(phrase: string): SmorteFinding {
  return {
    letter: 'S',
    severity: 'warning',
    code: 'S.staffCentred',
    message: {
      da: `Målet beskriver, hvad personalet gør ("${phrase}"). Det er en indsats: skriv det under indsatser, og skriv målet som det, borgeren selv gør og kan, fx "… går selv i bad to gange om ugen".`,
      en: `The goal describes what staff do ("${phrase}"). That is an intervention: put it under interventions, and write the goal as what the citizen does, e.g. "… takes a shower on their own twice a week".`,
    },
  };
}

function checkSpecific(features: TextFeatures): SmorteFinding[] {
  const vague = features.vague.length > 0;
  const isVague = vague
    ? !features.strongAct && features.weakAnchors < 2
    : !features.strongAct && features.weakAnchors === 0 && !features.quantity && !features.trigger && !features.avoidance;
  if (!isVague) return [];
  const problem = vague
    ? { da: `Målet er for bredt formuleret (${quote(features.vague)}).`, en: `The goal is too vague (${quote(features.vague)}).` }
    : { da: 'Målet siger ikke, hvad borgeren konkret skal gøre.', en: 'The goal does not say what the citizen will actually do.' };
  return [
    {
      letter: 'S',
      severity: 'warning',
      code: 'S.vague',
      message: {
        da: `${problem.da} Skriv hvad borgeren gør, hvor, hvornår og med hvem, fx "Peter handler ind i Netto med sin kontaktperson hver torsdag".`,
        en: `${problem.en} Write what the citizen does, where, when and with whom, e.g. "Peter does his shopping at Netto with his key worker every Thursday".`,
      },
    },
  ];
}

function checkMeasurable(draft: SmorteDraft, features: TextFeatures): SmorteFinding[] {
  if ((draft.indicator ?? '').trim() !== '' || features.quantity || features.observableAct) return [];
  return [
    {
      letter: 'M',
      severity: 'warning',
      code: 'M.noMeasure',
      message: {
        da: 'Hvordan måler I, at målet er nået? Skriv hvor tit, hvor længe eller hvad borgeren selv gør, fx "Peter smører selv sin madpakke 3 gange om ugen", eller udfyld en indikator.',
        en: 'How will you tell that the goal is reached? Write how often, how long or what the citizen does on their own, e.g. "Peter makes his own packed lunch 3 times a week", or fill in an indicator.',
      },
    },
  ];
}

/** "komme ud af sengen / døren": getting up or out, not getting away from something. */
const LITERAL_OUT_OF = toWordSet('sengen døren huset bilen badet lejligheden værelset');

function findAvoidance(tokens: readonly Token[]): string[] {
  const found = findPhrases(tokens, AVOIDANCE_SKELETONS, true, true);
  tokens.forEach((token, i) => {
    if (token.main && ['komme', 'kommer', 'kom'].includes(token.norm) && tokens[i + 1]?.norm === 'ud' && tokens[i + 2]?.norm === 'af') {
      const what = tokens[i + 3];
      if (what && !LITERAL_OUT_OF.has(what.norm) && !isPlace(what.norm)) found.push(`${token.norm} ud af`);
    }
  });
  tokens.forEach((token, i) => {
    if (!token.main) return;
    const word = token.norm;
    const next = tokens[i + 1];
    const sameClauseNext = next && next.clause === token.clause ? next.norm : undefined;
    const previous = tokens[i - 1];
    const sameClausePrevious = previous && previous.clause === token.clause ? previous.norm : undefined;
    if (NEGATIONS.has(word)) {
      if (word === 'ikke' && sameClauseNext !== undefined && NEGATION_FOCUS.has(sameClauseNext)) return;
      if (word === 'ikke' && sameClauseNext === 'alene' && tokens.slice(i).some((t) => t.norm === 'men')) return;
      if ((word === 'ikke' || word === 'ej') && sameClausePrevious === 'eller') return;
      found.push(sameClauseNext !== undefined && word === 'ikke' ? `${word} ${sameClauseNext}` : word);
      return;
    }
    if (LESS_WORDS.has(word)) {
      if (word === 'mindre' && sameClauseNext !== undefined && SIZE_NOUNS.has(sameClauseNext)) return;
      if (sameClausePrevious !== undefined && (DETERMINERS.has(sameClausePrevious) || sameClausePrevious === 'ikke')) return;
      if (sameClausePrevious === 'eller' && tokens[i - 2]?.norm === 'mere') return;
      found.push(sameClauseNext !== undefined ? `${word} ${sameClauseNext}` : word);
    }
  });
  return dedupe(found);
}

/**
 * "hver gang" closing its clause ("… spise alt, hver gang") demands it every time; opening a
 * situation ("hver gang han bliver vred, går han …") it is a trigger, not an absolute.
 */
function findClauseFinalEveryTime(tokens: readonly Token[]): string[] {
  return tokens.flatMap((token, i) => {
    const next = tokens[i + 1];
    if (!token.main || token.norm !== 'hver' || next?.norm !== 'gang' || next.clause !== token.clause) return [];
    const after = tokens[i + 2];
    return after === undefined || after.clause !== token.clause ? ['hver gang'] : [];
  });
}

function checkAchievable(tokens: readonly Token[]): SmorteFinding[] {
  const findings: SmorteFinding[] = [];
  const avoidance = findAvoidance(tokens);
  if (avoidance.length > 0) {
    findings.push({
      letter: 'O',
      severity: 'warning',
      code: 'O.avoidance',
      message: {
        da: `Målet er formuleret som noget, der skal undgås (${quote(avoidance)}). Skriv hvad borgeren skal gøre i stedet, fx "Peter siger fra med ord, når han bliver vred".`,
        en: `The goal is phrased as something to avoid (${quote(avoidance)}). Write what the citizen will do instead, e.g. "Peter says no in words when he gets angry".`,
      },
    });
  }
  const absolute = dedupe([...findPhrases(tokens, ABSOLUTE_SKELETONS, true, true), ...findClauseFinalEveryTime(tokens)]);
  if (absolute.length > 0) {
    findings.push({
      letter: 'O',
      severity: 'warning',
      code: 'O.absolute',
      message: {
        da: `Målet er et absolut krav (${quote(absolute)}), som er svært at nå. Skriv et realistisk niveau, fx "Peter tager selv sin medicin 6 ud af 7 dage".`,
        en: `The goal is an absolute demand (${quote(absolute)}) that is hard to meet. Write a realistic level, e.g. "Peter takes his medicine on his own 6 days out of 7".`,
      },
    });
  }
  return findings;
}

function checkRelevant(draft: SmorteDraft): SmorteFinding[] {
  const findings: SmorteFinding[] = [];
  if ((draft.purposeId ?? '').trim() === '') {
    findings.push({
      letter: 'R',
      severity: 'warning',
      code: 'R.noPurpose',
      message: {
        da: 'Målet er ikke koblet til formålet i kommunens handleplan. Vælg det formål, målet støtter, fx "Peter kan bo i egen lejlighed".',
        en: "The goal is not linked to the purpose in the municipality's action plan. Pick the purpose the goal supports, e.g. \"Peter can live in his own flat\".",
      },
    });
  }
  if ((draft.themeId ?? '').trim() === '') {
    findings.push({
      letter: 'R',
      severity: 'warning',
      code: 'R.noTheme',
      message: {
        da: 'Målet har intet tema. Vælg det tema, målet hører til, fx "Praktiske opgaver".',
        en: 'The goal has no theme. Pick the theme it belongs to, e.g. "Praktiske opgaver" (practical tasks).',
      },
    });
  }
  return findings;
}

/** A strict yyyy-MM-dd calendar date at midnight in Copenhagen, or undefined. */
function parseCalendarDate(value: string, reference: Date): Date | undefined {
  if (!ISO_DATE.test(value)) return undefined;
  const date = parse(value, 'yyyy-MM-dd', reference, { in: tz(ZONE) });
  return isValid(date) ? date : undefined;
}

function formatDanishDate(date: Date): string {
  return formatCalendarDate(date, 'da');
}

function createInvalidDateFinding(field: 'endDate' | 'revisionDate'): SmorteFinding {
  const da = field === 'endDate' ? 'Slutdatoen' : 'Revisionsdatoen';
  const en = field === 'endDate' ? 'The end date' : 'The revision date';
  return {
    letter: 'T',
    severity: 'error',
    code: 'T.invalidDate',
    message: {
      da: `${da} er ikke en gyldig dato. Vælg en dato i kalenderen, fx 31. mar. 2027.`,
      en: `${en} is not a valid date. Pick a date in the calendar, e.g. 31. Mar 2027.`,
    },
  };
}

function checkTimed(draft: SmorteDraft, now: Date): SmorteFinding[] {
  const findings: SmorteFinding[] = [];
  const today = startOfDay(now, { in: tz(ZONE) });
  const endText = (draft.endDate ?? '').trim();
  const revisionText = (draft.revisionDate ?? '').trim();
  const end = endText === '' ? undefined : parseCalendarDate(endText, today);
  const revision = revisionText === '' ? undefined : parseCalendarDate(revisionText, today);

  if (endText === '') {
    findings.push({
      letter: 'T',
      severity: 'error',
      code: 'T.noEndDate',
      message: {
        da: 'Der er ingen slutdato. Vælg hvornår målet skal være nået, fx om 6 måneder.',
        en: 'There is no end date. Pick when the goal should be reached, e.g. in 6 months.',
      },
    });
  } else if (!end) {
    findings.push(createInvalidDateFinding('endDate'));
  }
  if (revisionText !== '' && !revision) findings.push(createInvalidDateFinding('revisionDate'));
  if (!end) return findings;

  if (isBefore(end, today)) {
    findings.push({
      letter: 'T',
      severity: 'error',
      code: 'T.endDatePast',
      message: {
        da: `Slutdatoen ${formatDanishDate(end)} er overskredet. Vælg en ny slutdato fra i dag, fx ${formatDanishDate(addMonths(today, 6, { in: tz(ZONE) }))}.`,
        en: `The end date ${formatDanishDate(end)} has passed. Pick a new end date from today, e.g. ${formatDanishDate(addMonths(today, 6, { in: tz(ZONE) }))}.`,
      },
    });
  } else if (isAfter(end, addMonths(today, END_DATE_HORIZON_MONTHS, { in: tz(ZONE) }))) {
    findings.push({
      letter: 'T',
      severity: 'warning',
      code: 'T.tooFar',
      message: {
        da: 'Slutdatoen er mere end 12 måneder væk. Sæt en tættere slutdato, fx om 6 måneder, og del gerne målet op i delmål.',
        en: 'The end date is more than 12 months away. Set a closer end date, e.g. in 6 months, and consider splitting the goal into sub-goals.',
      },
    });
  }
  if (revision && isAfter(revision, end)) {
    findings.push({
      letter: 'T',
      severity: 'error',
      code: 'T.revisionAfterEnd',
      message: {
        da: `Revisionsdatoen ${formatDanishDate(revision)} ligger efter slutdatoen ${formatDanishDate(end)}. Vælg en revisionsdato før slutdatoen, fx en måned før.`,
        en: `The revision date ${formatDanishDate(revision)} is after the end date ${formatDanishDate(end)}. Pick a revision date before the end date, e.g. a month before.`,
      },
    });
  }
  return findings;
}

function checkTextLength(text: string): SmorteFinding[] {
  if (text.trim() === '') {
    return [
      {
        letter: 'S',
        severity: 'error',
        code: 'text.empty',
        message: {
          da: 'Skriv målet. Beskriv hvad borgeren skal gøre, fx "Peter smører selv sin madpakke 3 gange om ugen".',
          en: 'Write the goal. Describe what the citizen will do, e.g. "Peter makes his own packed lunch 3 times a week".',
        },
      },
    ];
  }
  if (text.length > SMORTE_MAX_TEXT) {
    return [
      {
        letter: 'S',
        severity: 'error',
        code: 'text.tooLong',
        message: {
          da: `Målet er for langt (højst ${SMORTE_MAX_TEXT} tegn). Skriv det kort, fx "Peter tager bussen alene til værkstedet hver mandag".`,
          en: `The goal is too long (at most ${SMORTE_MAX_TEXT} characters). Keep it short, e.g. "Peter takes the bus to the workshop alone every Monday".`,
        },
      },
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** A field of a draft as text: anything that is not a string (card data can hold anything) is no text. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Checks a draft goal against the SMORTE letters. Findings come in the order S, M, O, R, T.
 * A text longer than SMORTE_MAX_TEXT gets text.tooLong (it cannot be saved) and only its first
 * SMORTE_MAX_TEXT characters are analysed: the analysis takes time and memory that grow with the
 * text, so what the checker reads is bounded whatever a card sends.
 */
export function checkSmorte(input: SmorteDraft, ctx: { now: Date }): SmorteFinding[] {
  if (!isValid(ctx.now)) throw new RangeError('checkSmorte: ctx.now is not a valid date');
  const draft: SmorteDraft = {
    text: asText(input.text),
    indicator: asText(input.indicator),
    endDate: asText(input.endDate),
    revisionDate: asText(input.revisionDate),
    purposeId: asText(input.purposeId),
    themeId: asText(input.themeId),
  };
  const findings = checkTextLength(draft.text);
  const text = draft.text.length > SMORTE_MAX_TEXT ? draft.text.slice(0, SMORTE_MAX_TEXT) : draft.text;
  if (text.trim() !== '') {
    // A paragraph of the law ("§ 107", "§§ 66-67, stk. 2") is a reference, never an amount.
    const tokens = tokenize(text.replace(/§+\s*\d+(?:\s*[-–,]\s*\d+)*(?:\s*,?\s*stk\.?\s*\d+)?/g, '§'));
    markClauses(tokens);
    const achievable = checkAchievable(tokens);
    const features = extractFeatures(tokens, achievable.some((finding) => finding.code === 'O.avoidance'));
    const staff = findStaffCentred(tokens);
    findings.push(...(staff !== undefined ? [checkStaffCentred(staff)] : checkSpecific(features)), ...checkMeasurable(draft, features), ...achievable);
  }
  findings.push(...checkRelevant(draft), ...checkTimed(draft, ctx.now));
  return findings;
}

/** True when a finding stops the goal from being saved: a T error, an empty or too long text. */
export function blocksSaving(findings: readonly SmorteFinding[]): boolean {
  return findings.some((finding) => finding.severity === 'error' && BLOCKING_CODES.has(finding.code));
}
