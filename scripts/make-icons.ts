/**
 * Draws the Teams app icons with Node built-ins only (zlib for PNG):
 *   manifest/color.png   192x192, white "R" on the accent colour, full bleed
 *   manifest/outline.png  32x32, white "R" on transparent (only white pixels, alpha varies)
 * Run: `npx tsx scripts/make-icons.ts`. The PNGs are committed; rerun only to change them.
 * `encodePng` / `decodePng` are exported for tests (RGBA, 8 bit, non-interlaced only).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateSync, inflateSync } from 'node:zlib';

/** Same value as `accentColor` in manifest/manifest.template.json. */
export const ACCENT = { r: 0x0f, g: 0x76, b: 0x6e } as const;

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row by row, RGBA. */
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

export function encodePng(image: RgbaImage): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bit, RGBA, deflate, no filter method, no interlace
  const stride = image.width * 4;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(image.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Decodes an 8-bit RGBA non-interlaced PNG (any filter). Throws on anything else. */
export function decodePng(png: Buffer): RgbaImage {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[9] !== 6 || body[12] !== 0) throw new Error('only 8-bit RGBA non-interlaced PNGs are supported');
    } else if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= 4 ? data[y * stride + x - 4]! : 0;
      const up = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const upLeft = x >= 4 && y > 0 ? data[(y - 1) * stride + x - 4]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter}`);
      data[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, data };
}

/** Distance from p to the segment a-b. */
function segment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Distance to the centre line of an "R" drawn in the unit square (y down). */
function letterR(x: number, y: number): number {
  const bowl = x >= 0.5 ? Math.abs(Math.hypot(x - 0.5, y - 0.34) - 0.16) : Infinity;
  return Math.min(
    segment(x, y, 0.3, 0.18, 0.3, 0.82), // stem
    segment(x, y, 0.3, 0.18, 0.5, 0.18), // top of the bowl
    segment(x, y, 0.3, 0.5, 0.5, 0.5), // bottom of the bowl
    bowl,
    segment(x, y, 0.47, 0.5, 0.7, 0.82), // leg
  );
}

/**
 * Renders the glyph with 4x4 supersampling. `inset` is the glyph box margin as a share of the
 * icon; `stroke` the half stroke width in glyph units.
 */
function draw(size: number, inset: number, stroke: number, background?: { r: number; g: number; b: number }): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const gx = ((px + (sx + 0.5) / samples) / size - inset) / (1 - 2 * inset);
          const gy = ((py + (sy + 0.5) / samples) / size - inset) / (1 - 2 * inset);
          if (letterR(gx, gy) <= stroke) hits++;
        }
      }
      const cover = hits / (samples * samples);
      const i = (py * size + px) * 4;
      if (background) {
        data[i] = Math.round(background.r + (255 - background.r) * cover);
        data[i + 1] = Math.round(background.g + (255 - background.g) * cover);
        data[i + 2] = Math.round(background.b + (255 - background.b) * cover);
        data[i + 3] = 255;
      } else {
        data.set([255, 255, 255, Math.round(255 * cover)], i);
      }
    }
  }
  return { width: size, height: size, data };
}

export function renderIcons(): { color: Buffer; outline: Buffer } {
  return {
    color: encodePng(draw(192, 0.18, 0.055, ACCENT)),
    outline: encodePng(draw(32, 0.02, 0.075)),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'manifest');
  mkdirSync(dir, { recursive: true });
  const { color, outline } = renderIcons();
  writeFileSync(path.join(dir, 'color.png'), color);
  writeFileSync(path.join(dir, 'outline.png'), outline);
  process.stdout.write(`wrote ${path.join(dir, 'color.png')} (192x192) and ${path.join(dir, 'outline.png')} (32x32)\n`);
}
