/**
 * The parts every Word document of Refleks is built from, with the `docx` library: headings,
 * paragraphs (a label in bold before its text), lists, tables with a header row, and the document
 * itself (language, font, metadata) packed into a Buffer. The meeting export uses them now; the
 * yearly status report is meant to reuse them.
 *
 * Every text passes `docText` on its way in: characters XML 1.0 cannot hold are dropped (Word
 * refuses a file with them), and a CPR number, which no text of Refleks may hold, is taken out
 * as a second line of defence behind the guard at input.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
} from 'docx';
import { cprFree } from '../domain/cpr.js';
import type { Locale } from '../cards/i18n.js';

/** The MIME type of a .docx file. */
export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const LANGUAGE: Record<Locale, string> = { da: 'da-DK', en: 'en-GB' };
const FONT = 'Calibri';

// Tab, line feed and carriage return are the only control characters XML 1.0 allows; lone
// surrogates and U+FFFE/U+FFFF are not characters at all.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A text as a document may hold it: only characters XML allows, no CPR number. */
export function docText(value: string): string {
  return cprFree(value.replace(NOT_XML, ''));
}

/** A text's runs: one per line, with a line break between them (Word ignores "\n" inside a run). */
function runsOf(value: string, style: { bold?: boolean; italics?: boolean; color?: string } = {}): TextRun[] {
  return docText(value)
    .split(/\r\n|\r|\n/)
    .map((line, i) => new TextRun({ text: line, ...style, ...(i > 0 ? { break: 1 } : {}) }));
}

export type HeadingDepth = 0 | 1 | 2 | 3;
const HEADINGS = [HeadingLevel.TITLE, HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3] as const;

/** A heading: depth 0 is the document's title, 1–3 the section levels. */
export function heading(value: string, depth: HeadingDepth = 1): Paragraph {
  return new Paragraph({ heading: HEADINGS[depth], children: runsOf(value) });
}

/** A paragraph of text (its line breaks kept). */
export function paragraph(value: string, style: { italics?: boolean; subtle?: boolean } = {}): Paragraph {
  return new Paragraph({ children: runsOf(value, { ...(style.italics ? { italics: true } : {}), ...(style.subtle ? { color: '666666' } : {}) }), spacing: { after: 120 } });
}

/** "Label: text", the label in bold (a fact such as "Mødeleder: Anna", a note with its author). */
export function labelled(label: string, value: string, options: { separator?: string } = {}): Paragraph {
  return new Paragraph({ children: [...runsOf(`${label}${options.separator ?? ':'}`, { bold: true }), new TextRun(' '), ...runsOf(value)], spacing: { after: 120 } });
}

/** A bulleted line (optionally with a bold label before the text). */
export function bullet(value: string, label?: string): Paragraph {
  return new Paragraph({ bullet: { level: 0 }, children: [...(label ? [...runsOf(`${label}:`, { bold: true }), new TextRun(' ')] : []), ...runsOf(value)] });
}

const CELL_BORDER = { style: BorderStyle.SINGLE, size: 4, color: 'A6A6A6' } as const;
const CELL_BORDERS = { top: CELL_BORDER, bottom: CELL_BORDER, left: CELL_BORDER, right: CELL_BORDER } as const;

function cell(value: string, header: boolean, widthPct: number): TableCell {
  return new TableCell({
    children: [new Paragraph({ children: runsOf(value, header ? { bold: true } : {}) })],
    width: { size: widthPct, type: WidthType.PERCENTAGE },
    borders: CELL_BORDERS,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } } : {}),
  });
}

/**
 * A table across the page: a header row (repeated on every page) and a row per entry. `widths`
 * are the columns' shares in percent (even when left out); a row shorter than the header is
 * filled with empty cells.
 */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, widths?: readonly number[]): Table {
  const shares = widths && widths.length === headers.length ? widths : headers.map(() => Math.floor(100 / headers.length));
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ tableHeader: true, children: headers.map((h, i) => cell(h, true, shares[i]!)) }),
      ...rows.map((row) => new TableRow({ cantSplit: false, children: headers.map((_, i) => cell(row[i] ?? '', false, shares[i]!)) })),
    ],
  });
}

/** An empty line between blocks (after a table, which Word otherwise joins to the next paragraph). */
export function spacer(): Paragraph {
  return new Paragraph({ children: [], alignment: AlignmentType.LEFT });
}

export interface DocumentInput {
  /** The document's title (its metadata; the body has its own title heading). */
  title: string;
  locale: Locale;
  /** Who made it, in the metadata: the app, never a person's name. */
  creator?: string;
  children: FileChild[];
}

/** The document with the user's language (spelling) and one plain font, as a .docx Buffer. */
export async function packDocument(input: DocumentInput): Promise<Buffer> {
  const doc = new Document({
    title: docText(input.title),
    creator: input.creator ?? 'Refleks',
    lastModifiedBy: input.creator ?? 'Refleks',
    styles: { default: { document: { run: { font: FONT, size: 22, language: { value: LANGUAGE[input.locale] } } } } },
    sections: [{ children: input.children }],
  });
  return Packer.toBuffer(doc);
}
