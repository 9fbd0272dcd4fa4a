// `abi-blame diff --format html` as a reviewer sees it: the report of v4.4.206 -> v4.9.206 from the
// kernel-headers corpus, rendered by a real headless Chromium, and the byte-map pictures checked
// by their pixels (breaking members red, compatible additions green), not by their markup.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLayoutSpec } from '../src/cpp/profile.js';
import { GitRepo } from '../src/git/repo.js';
import { headerPathspecs } from '../src/indexer/run.js';
import type { AbiName } from '../src/layout/model.js';
import { diffHtml } from '../src/report/diff-html.js';
import { buildDiff, type AbiDiff, type DiffReport } from '../src/report/diff.js';
import { layoutRevision } from '../src/report/states.js';
import { cloneBundle, LAYOUTS } from './support/index-cli.js';
import { SHARED, missing } from './support/linux.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/abi-blame-diff.png';
const BREAKING: Rgb = [0xd6, 0x27, 0x28];
const COMPATIBLE: Rgb = [0x2c, 0xa0, 0x2c];
const ABIS: AbiName[] = ['x86_64', 'i386'];

function noChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)`;
  if (process.env.ABI_BLAME_REQUIRE_TRUTH === '1') throw new Error(why);
  return why;
}
const skip = missing([join(SHARED, 'corpus')], 'shared/corpus') ?? noChromium();

type Rgb = [number, number, number];

/** Pixels within ±8 per channel of `rgb` (antialiased edges and text differ a little). */
function countColour(png: PNG, [r, g, b]: Rgb): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i]! - r) <= 8 && Math.abs(png.data[i + 1]! - g) <= 8 && Math.abs(png.data[i + 2]! - b) <= 8) n++;
  }
  return n;
}

/** A record's entry for one of the ABIs here, chosen from the report rather than by a name guessed in advance. */
function findRecord(r: DiffReport, wanted: (e: AbiDiff) => boolean): { header: string; name: string; abi: AbiName } {
  for (const h of r.headers) {
    for (const s of h.symbols) {
      const e = s.kind === 'macro' ? undefined : s.abis.find((x) => x.before && x.after && wanted(x));
      if (e) return { header: h.header, name: s.name, abi: e.abi };
    }
  }
  throw new Error('no such record in the report');
}

/** A member drawn on the after side: it exists there with at least one byte. */
const drawnAfter = (e: AbiDiff, member: string | null): boolean => e.after!.fields.some((f) => f.path === member && f.size > 0);

describe.skipIf(skip)('diff --format html in headless Chromium', () => {
  if (skip) it.skip(skip, () => {});
  let report: DiffReport;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const git = await GitRepo.open(cloneBundle('kernel-headers'));
    const spec = parseLayoutSpec(JSON.stringify(LAYOUTS['kernel-headers']), 'kernel-headers layout');
    const pathspecs = headerPathspecs(spec, ABIS);
    const [from, to] = await Promise.all(['v4.4.206', 'v4.9.206'].map(async (rev) => ({ rev, sha: await git.resolveCommit(rev), source: 'tree' as const })));
    const before = await layoutRevision(git, from!.sha, spec, ABIS, pathspecs);
    const after = await layoutRevision(git, to!.sha, spec, ABIS, pathspecs);
    report = buildDiff(from!, to!, ABIS, before, after);
    const file = join(mkdtempSync(join(tmpdir(), 'abi-blame-html-')), 'diff.html');
    writeFileSync(file, diffHtml(report));
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${file}`);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const picture = (rec: { header: string; name: string; abi: string }, side: 'before' | 'after') =>
    page.locator(`svg.bytemap[data-header="${rec.header}"][data-record="${rec.name}"][data-abi~="${rec.abi}"][data-side="${side}"]`);
  const shot = async (rec: { header: string; name: string; abi: string }, side: 'before' | 'after'): Promise<PNG> =>
    PNG.sync.read(await picture(rec, side).screenshot());

  it('the summary table shows the report summary for both ABIs', async () => {
    expect(await page.title()).toBe('abi-blame diff v4.4.206 → v4.9.206');
    for (const s of report.summary) {
      const cells = await page.locator(`table.summary tr[data-abi="${s.abi}"] td`).allInnerTexts();
      expect(cells, s.abi).toEqual([s.breaking, s.compatible, s.cosmetic, s.allowed].map(String));
    }
    expect(report.summary.map((s) => s.abi)).toEqual(ABIS);
    expect(report.summary.every((s) => s.breaking > 0)).toBe(true);
  });

  it("a record's breaking member is drawn in the breaking colour", async () => {
    const rec = findRecord(report, (e) => e.changes.some((c) => c.verdict === 'breaking' && !c.allowed && c.change !== 'removed' && drawnAfter(e, c.member)));
    const png = await shot(rec, 'after');
    // A byte cell is at least 17x20 px: hundreds of pixels, not a stray antialiased edge.
    expect(countColour(png, BREAKING), `${rec.name} (${rec.abi}) after`).toBeGreaterThan(300);
  });

  it('a record with only compatible additions is drawn green, with no breaking colour', async () => {
    const rec = findRecord(report, (e) => e.changes.every((c) => c.verdict === 'compatible' && c.change === 'added') && e.changes.some((c) => drawnAfter(e, c.member)));
    const after = await shot(rec, 'after');
    expect(countColour(after, COMPATIBLE), `${rec.name} (${rec.abi}) after`).toBeGreaterThan(300);
    expect(countColour(after, BREAKING)).toBe(0);
    expect(countColour(await shot(rec, 'before'), BREAKING)).toBe(0);
  });

  it('a large record shows the rows around its changes and marks the rest as left out', async () => {
    const rec = findRecord(report, (e) => e.after!.size > 4 * 512 && e.changes.some((c) => drawnAfter(e, c.member)));
    const text = await picture(rec, 'after').textContent();
    expect(text).toMatch(/… bytes \d+–\d+: no changes …/);
    expect((await picture(rec, 'after').boundingBox())!.height).toBeLessThan(600);
  });

  it('the whole page is drawn (saved for a human to look at)', async () => {
    const buffer = await page.screenshot({ fullPage: true, path: SCREENSHOT });
    const png = PNG.sync.read(buffer);
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
    expect(colours.size).toBeGreaterThan(100);
    expect(countColour(png, BREAKING)).toBeGreaterThan(1000);
    expect(countColour(png, COMPATIBLE)).toBeGreaterThan(1000);
  });
});
