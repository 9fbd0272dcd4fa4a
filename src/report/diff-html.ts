// `abi-blame diff --format html`: the report as one self-contained page (inline CSS and SVG, no
// script, nothing fetched), for a release review in a browser or attached to a ticket. Besides
// the change tables it draws, for every record changed in place, a byte map of the record before
// and after, so a reviewer sees at a glance which bytes moved under userspace's feet.
// Pure: report in, HTML out.

import type { AbiName, FieldLayout, RecordLayout } from '../layout/model.js';
import { abiLabel, describeChange, groupByLines } from './describe.js';
import type { AbiDiff, DiffReport, HeaderDiff, ReportChange, SymbolDiff } from './diff.js';
import { changeOf, shown, symbolTitle } from './diff-text.js';

/** Member paint in the byte maps; the test finds breaking and compatible members by these fills. */
const FILL = { breaking: '#d62728', allowed: '#e89b0c', compatible: '#2ca02c', neutral: '#9fb3c8' } as const;
type Paint = keyof typeof FILL;
const RANK: Record<Paint, number> = { neutral: 0, compatible: 1, allowed: 2, breaking: 3 };
type Side = 'before' | 'after';

/** Past this many bytes a map shows only the rows around changes: a 4 KiB record is 128 rows. */
const FULL_MAP_BYTES = 512;
const MAP_WIDTH = 544; // byte cells per row, in px: 16 cells of 34 or 32 cells of 17
const OFFSET_W = 44;
const HEAD_H = 14;
const ROW_H = 22;
const GAP_H = 18;
const CHAR_W = 6.7; // 11px DejaVu Sans Mono, the monospace font of a stock Debian

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function diffHtml(report: DiffReport): string {
  const { from, to } = report;
  const title = `abi-blame diff ${from.rev} → ${to.rev}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head>
<body>
<svg width="0" height="0" style="position:absolute"><defs><pattern id="hole" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f1f1f1"/><rect width="2" height="6" fill="#cfcfcf"/></pattern></defs></svg>
<h1>${esc(title)}</h1>
<p>from <code>${esc(from.sha.slice(0, 12))}</code> ${source(from)} to <code>${esc(to.sha.slice(0, 12))}</code> ${source(to)}</p>
${summaryTable(report)}
<p class="${report.breaking ? 'fail' : 'pass'}">${report.breaking ? 'Breaking changes not acknowledged by the allowlist were found.' : 'No unacknowledged breaking change.'}</p>
<p class="legend">${(['breaking', 'allowed', 'compatible'] as const).map((p) => `<span class="swatch" style="background:${FILL[p]}"></span>${p} member`).join(' ')}
<span class="swatch" style="background:${FILL.neutral}"></span>unchanged member <span class="swatch hole"></span>hole or padding</p>
${breakingIndex(report)}${report.headers.length === 0 ? '<p>No ABI-relevant changes.</p>' : ''}
${report.headers.map((h) => `<section id="${esc(h.header)}"><h2>${esc(h.header)}</h2>
<table class="changes"><tr><th>symbol</th><th>ABIs</th><th>change</th><th>verdict</th><th>reason</th></tr>
${h.symbols.map((s) => symbolRows(h, s, report.abis)).join('\n')}</table></section>`).join('\n')}
</body></html>
`;
}

const source = (r: DiffReport['from']): string =>
  r.source === 'index' ? `(index${r.indexed ? ` at <code>${esc(r.indexed.slice(0, 12))}</code>` : ''})` : '(laid out from git)';

function summaryTable(report: DiffReport): string {
  const cols = ['breaking', 'compatible', 'cosmetic', 'allowed'] as const;
  return `<table class="summary"><tr><th>ABI</th>${cols.map((c) => `<th>${c}</th>`).join('')}</tr>
${report.summary.map((s) => `<tr data-abi="${esc(s.abi)}"><th>${esc(s.abi)}</th>${cols.map((c) => `<td class="${s[c] > 0 ? c : ''}">${s[c]}</td>`).join('')}</tr>`).join('\n')}</table>`;
}

/** Links to the headers with unacknowledged breaking changes: the page is long, these are what a reviewer looks for. */
function breakingIndex(report: DiffReport): string {
  const links = report.headers.flatMap((h) => {
    const n = h.symbols.filter((s) => s.abis.some((e) => e.changes.some((c) => c.verdict === 'breaking' && !c.allowed))).length;
    return n > 0 ? [`<a href="#${esc(h.header)}">${esc(h.header)}</a>&nbsp;(${n})`] : [];
  });
  return links.length > 0 ? `<p class="index">Symbols with breaking changes, by header: ${links.join(', ')}</p>` : '';
}

function badge(c: ReportChange): string {
  return c.allowed ? '<span class="badge allowed" title="breaking, acknowledged by the allowlist">allowed</span>' : `<span class="badge ${c.verdict}">${c.verdict}</span>`;
}

/** One symbol's rows: a run of rows per set of ABIs with the same changes, then its byte maps. */
function symbolRows(h: HeaderDiff, s: SymbolDiff, all: readonly AbiName[]): string {
  const entry = (abi: AbiName): AbiDiff | undefined => s.abis.find((e) => e.abi === abi);
  const groups = groupByLines(all, (abi) => shown(entry(abi))?.map((c) =>
    `<td>${esc(describeChange(changeOf(h, s, c)))}</td><td>${badge(c)}</td><td>${esc(c.reason)}</td>`));
  const maps = s.kind === 'macro' ? '' : recordMaps(h, s, all);
  const rows = groups.flatMap((g) => g.lines.map((line, i) =>
    (i === 0 ? `<td rowspan="${g.lines.length}" class="abis">${esc(abiLabel(g.abis, all))}</td>` : '') + line));
  rows[0] = `<th rowspan="${rows.length}" class="symbol">${esc(symbolTitle(s))}</th>${rows[0]}`;
  // Full width, under the symbol's name too: before and after fit side by side.
  if (maps) rows.push(`<td colspan="5" class="maps">${maps}</td>`);
  return rows.map((r) => `<tr>${r}</tr>`).join('\n');
}

/** Byte maps for a record that exists on both sides, per group of ABIs drawn identically. */
function recordMaps(h: HeaderDiff, s: SymbolDiff, all: readonly AbiName[]): string {
  const entries = new Map(s.abis.filter((e) => e.before && e.after).map((e) => [e.abi, e]));
  const groups = groupByLines(all, (abi) => {
    const e = entries.get(abi);
    return e && [JSON.stringify([e.before, e.after, e.changes])];
  });
  return groups.map((g) => {
    const { before, after, changes } = entries.get(g.abis[0]!)!;
    const abis = g.abis.join(' ');
    const sides = { before: cover(before!, changes, 'before'), after: cover(after!, changes, 'after') };
    const perRow = Math.max(before!.size, after!.size) > 256 ? 32 : 16;
    const rows = shownRows(sides.before, sides.after, perRow);
    return `<div class="group"><div class="group-abis">${esc(abiLabel(g.abis, all))}</div>${(['before', 'after'] as const).map((side) => {
      const r = side === 'before' ? before! : after!;
      return `<figure><figcaption>${side}: ${r.size} bytes, align ${r.align}</figcaption>${byteMap(r, sides[side], rows, perRow, { header: h.header, record: s.name, abi: abis, side })}</figure>`;
    }).join('')}</div>`;
  }).join('');
}

interface Leaf { field: FieldLayout; paint: Paint }

/** Every member without members of its own, painted by the worst verdict of a change touching it on this side. */
function leaves(r: RecordLayout, changes: readonly ReportChange[], side: Side): Leaf[] {
  // 'added' has no before, 'removed' no after; the others show on both sides.
  const onSide = changes.filter((c) => c.member !== null && c.change !== (side === 'before' ? 'added' : 'removed'));
  const parents = new Set(r.fields.filter((f) => f.path.includes('.')).map((f) => f.path.slice(0, f.path.lastIndexOf('.'))));
  return r.fields.filter((f) => !parents.has(f.path)).map((field) => {
    let paint: Paint = 'neutral';
    // A change to a member (a nested record resized) paints every leaf inside it.
    for (const c of onSide.filter((c) => field.path === c.member || field.path.startsWith(`${c.member}.`))) {
      const p: Paint = c.allowed ? 'allowed' : c.verdict === 'cosmetic' ? 'neutral' : c.verdict;
      if (RANK[p] > RANK[paint]) paint = p;
    }
    return { field, paint };
  });
}

/** Bytes a member occupies: a bit-field only the bytes its bits touch, not its whole declared type. */
function span(f: FieldLayout): [number, number] {
  if (f.bitOffset === undefined || f.bitWidth === undefined) return [f.offset, f.offset + f.size];
  return [Math.floor(f.bitOffset / 8), Math.ceil((f.bitOffset + Math.max(f.bitWidth, 1)) / 8)];
}

/**
 * Per byte, the member drawn there (undefined: a hole); where members overlap (unions, bit-fields)
 * the most changed one shows. Members of no bytes (flexible arrays) are markers between bytes.
 */
interface Cover { bytes: (Leaf | undefined)[]; markers: Leaf[] }

function cover(r: RecordLayout, changes: readonly ReportChange[], side: Side): Cover {
  const bytes: (Leaf | undefined)[] = new Array<Leaf | undefined>(r.size).fill(undefined);
  const markers: Leaf[] = [];
  for (const leaf of leaves(r, changes, side)) {
    const [from, to] = span(leaf.field);
    if (to <= from) markers.push(leaf);
    for (let b = Math.max(from, 0); b < Math.min(to, r.size); b++) {
      const cur = bytes[b];
      if (!cur || RANK[leaf.paint] > RANK[cur.paint]) bytes[b] = leaf;
    }
  }
  return { bytes, markers };
}

/** The row a byte offset is drawn in; the end of the record is the right edge of its last row. */
const rowOf = (offset: number, size: number, perRow: number): number => Math.floor((offset === size && size > 0 ? offset - 1 : offset) / perRow);

/** Row numbers to draw: all of them for a small record, else rows with changes (either side, or a size change) and one row around. */
function shownRows(before: Cover, after: Cover, perRow: number): Set<number> {
  const [small, size] = [before.bytes.length, after.bytes.length].sort((x, y) => x - y) as [number, number];
  const total = Math.ceil(size / perRow);
  if (size <= FULL_MAP_BYTES) return new Set(Array.from({ length: total }, (_, i) => i));
  const changed = new Set<number>();
  for (const { bytes, markers } of [before, after]) {
    bytes.forEach((l, b) => l && l.paint !== 'neutral' && changed.add(Math.floor(b / perRow)));
    for (const m of markers) if (m.paint !== 'neutral') changed.add(rowOf(m.field.offset, bytes.length, perRow));
  }
  for (let b = small; b < size; b++) changed.add(Math.floor(b / perRow));
  if (changed.size === 0) changed.add(0);
  return new Set([...changed].flatMap((r) => [r - 1, r, r + 1]).filter((r) => r >= 0 && r < total));
}

interface MapAttrs { header: string; record: string; abi: string; side: Side }

/** The record as rows of byte cells: members as coloured blocks labelled where the name fits, holes hatched. */
function byteMap(r: RecordLayout, { bytes, markers }: Cover, shown: Set<number>, perRow: number, attrs: MapAttrs): string {
  const cell = MAP_WIDTH / perRow;
  const total = Math.ceil(r.size / perRow);
  const parts: string[] = [];
  for (let b = 0; b < perRow; b += 4) parts.push(`<text x="${OFFSET_W + b * cell + 2}" y="${HEAD_H - 4}" class="col">+${b}</text>`);
  const labelled = new Set<Leaf>();
  let y = HEAD_H;
  let next = 0; // first row not yet drawn or marked as skipped
  const gap = (upTo: number): void => {
    if (upTo <= next) return;
    const first = next * perRow;
    const last = Math.min(upTo * perRow, r.size) - 1;
    parts.push(`<text x="${OFFSET_W + MAP_WIDTH / 2}" y="${y + 13}" class="gap">… bytes ${first}–${last}: no changes …</text>`);
    y += GAP_H;
  };
  for (let row = 0; row < total; row++) {
    if (!shown.has(row)) continue;
    gap(row);
    const start = row * perRow;
    const end = Math.min(start + perRow, r.size);
    parts.push(`<text x="${OFFSET_W - 6}" y="${y + 15}" class="off">${start}</text>`);
    for (let b = start; b < end;) {
      const leaf = bytes[b];
      let e = b + 1;
      while (e < end && bytes[e] === leaf) e++;
      parts.push(block(leaf, OFFSET_W + (b - start) * cell, y, (e - b) * cell, e - b, labelled));
      b = e;
    }
    for (const m of markers.filter((m) => rowOf(m.field.offset, r.size, perRow) === row)) parts.push(marker(m, OFFSET_W + (m.field.offset - start) * cell, y));
    y += ROW_H;
    next = row + 1;
  }
  gap(total);
  const width = OFFSET_W + MAP_WIDTH + 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="bytemap" width="${width}" height="${y + 2}" viewBox="0 0 ${width} ${y + 2}"`
    + ` data-header="${esc(attrs.header)}" data-record="${esc(attrs.record)}" data-abi="${esc(attrs.abi)}" data-side="${attrs.side}" role="img" aria-label="${esc(`${r.kind} ${r.name} ${attrs.side}`)}">`
    + `${parts.join('')}</svg>`;
}

/** One run of bytes of one member (or hole) within a row. */
function block(leaf: Leaf | undefined, x: number, y: number, w: number, n: number, labelled: Set<Leaf>): string {
  // Inset by a pixel each side so neighbouring members stay apart; faint ticks mark the bytes.
  const rect = `<rect x="${x + 1}" y="${y + 1}" width="${w - 2}" height="${ROW_H - 2}" fill="${leaf ? FILL[leaf.paint] : 'url(#hole)'}"/>`;
  const ticks = n > 1 ? `<path d="${Array.from({ length: n - 1 }, (_, i) => `M${x + ((i + 1) * w) / n} ${y + 2}v3`).join('')}" class="tick"/>` : '';
  if (!leaf) return `<g><title>hole / padding, ${n} byte${n === 1 ? '' : 's'}</title>${rect}${ticks}</g>`;
  const text = labelled.has(leaf) ? undefined : fit(leaf.field.path, w - 6);
  if (text) labelled.add(leaf);
  const label = text ? `<text x="${x + w / 2}" y="${y + 15}" class="${leaf.paint === 'neutral' ? 'dark' : 'light'}">${esc(text)}</text>` : '';
  return `<g><title>${esc(tooltip(leaf))}</title>${rect}${ticks}${label}</g>`;
}

/** A member of no bytes (`__u8 data[]`): a bar at its offset, outlined when changed so it shows against any neighbour. */
const marker = (leaf: Leaf, x: number, y: number): string => `<g><title>${esc(tooltip(leaf))}</title>${leaf.paint === 'neutral'
  ? `<rect x="${x - 1}" y="${y + 1}" width="2" height="${ROW_H - 2}" fill="#4d5f73"/>`
  : `<rect x="${x - 2}" y="${y}" width="4" height="${ROW_H}" fill="${FILL[leaf.paint]}" stroke="#102030"/>`}</g>`;

function tooltip({ field: f, paint }: Leaf): string {
  const where = f.bitOffset !== undefined ? `bit ${f.bitOffset}` : `${f.offset}`;
  const size = f.bitWidth !== undefined ? `${f.bitWidth} bits` : `${f.size} bytes`;
  return `${f.path}: ${f.type}, offset ${where}, ${size}${paint === 'neutral' ? '' : ` (${paint})`}`;
}

/** The member's path, else its last name, else that cut short, in `room` px; undefined when nothing useful fits. */
function fit(path: string, room: number): string | undefined {
  const chars = Math.floor(room / CHAR_W);
  const name = path.slice(path.lastIndexOf('.') + 1);
  if (path.length <= chars) return path;
  if (name.length <= chars) return name;
  return chars >= 4 ? `${name.slice(0, chars - 1)}…` : undefined;
}

const CSS = `
body { font: 14px/1.4 "DejaVu Sans", sans-serif; margin: 24px; color: #1d2733; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 6px; font-family: "DejaVu Sans Mono", monospace; }
code, td, .symbol { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; }
table { border-collapse: collapse; } th, td { border: 1px solid #d5dbe1; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
table.summary td { text-align: right; min-width: 80px; font-size: 14px; }
table.summary td.breaking { color: #d62728; font-weight: 700; }
table.changes { width: 100%; } td.abis { white-space: nowrap; color: #44556a; } .symbol { white-space: nowrap; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff; font: 600 11.5px/18px "DejaVu Sans", sans-serif; }
.badge.breaking { background: #d62728; } .badge.compatible { background: #2ca02c; } .badge.cosmetic { background: #7f7f7f; } .badge.allowed { background: #e89b0c; }
.fail { color: #d62728; font-weight: 700; } .pass { color: #2ca02c; font-weight: 700; }
.legend, .index { font-size: 12.5px; } .index a { font-family: "DejaVu Sans Mono", monospace; color: #1f5f9f; } .swatch { display: inline-block; width: 14px; height: 14px; margin: 0 4px 0 12px; vertical-align: -2px; }
.swatch.hole { background: repeating-linear-gradient(45deg, #f1f1f1 0 3px, #cfcfcf 3px 5px); }
td.maps { background: #fafbfc; } .group { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: flex-start; margin: 4px 0 10px; }
.group-abis { width: 100%; font-weight: 600; color: #44556a; } figure { margin: 0; } figcaption { font-size: 12px; color: #44556a; }
svg.bytemap { display: block; font: 11px "DejaVu Sans Mono", monospace; shape-rendering: crispEdges; }
svg.bytemap text { text-anchor: middle; } svg.bytemap .off { text-anchor: end; fill: #6b7b8c; } svg.bytemap .col { text-anchor: start; fill: #8a98a6; font-size: 9px; }
svg.bytemap .gap { fill: #6b7b8c; font-style: italic; } svg.bytemap .light { fill: #fff; } svg.bytemap .dark { fill: #102030; }
svg.bytemap .tick { stroke: #fff; stroke-opacity: .55; }
`;
