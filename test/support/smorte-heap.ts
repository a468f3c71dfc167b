/**
 * Runs the goal checker once on a long text in a process of its own, started with a small heap
 * (`--max-old-space-size`), and prints what it found and how much the heap grew, as JSON. A
 * checker whose memory grows with the text runs out of that heap and the process dies.
 * Usage: node --import tsx --max-old-space-size=64 test/support/smorte-heap.ts <characters>
 */
import { checkSmorte } from '../../src/domain/smorte.js';

const characters = Number(process.argv[2] ?? '100000');
const sentence = 'Peter smører selv sin madpakke tre morgener om ugen, når han har sovet godt, og han går ikke i seng for sent. ';
const text = sentence.repeat(Math.ceil(characters / sentence.length)).slice(0, characters);
const before = process.memoryUsage().heapUsed;
const findings = checkSmorte({ text, endDate: '2027-06-01', revisionDate: '2027-03-01', themeId: 'th1', purposeId: 'p1' }, { now: new Date('2026-11-23T09:00:00Z') });
const after = process.memoryUsage().heapUsed;
process.stdout.write(`${JSON.stringify({ characters, codes: findings.map((f) => f.code), heapGrowthMB: (after - before) / 1048576 })}\n`);
