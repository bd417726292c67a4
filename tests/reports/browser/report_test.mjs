// Opens wsspec's HTML reports in Debian's headless Chromium (through playwright-core, which
// downloads no browser) and checks what a reader would: the page renders, the summary counts
// match results.json, the verdict/area/text filters show the right cases, nothing the hostile
// target injected runs, nothing logs an error, nothing but the file itself is loaded. With
// --comparison (and --comparison-hostile) it does the same for `wsspec report`'s comparison
// page: the matrix matches comparison.json, the area / "only rows that differ" / text filters
// work, and nothing injected runs.
//
//   node report_test.mjs --sample DIR --hostile DIR [--screenshot FILE.png [--more-screenshots 1]]
//                        [--comparison DIR] [--comparison-hostile DIR]
//
// DIR holds index.html and results.json (tests/reports/make_sample_report writes both); a
// comparison DIR holds index.html and comparison.json.
// Exit status: 0 all checks passed, 1 a check failed, 77 the browser or playwright-core is
// missing (run tests/reports/browser/setup.sh), which ctest reports as skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.sample || !args.hostile) {
  console.error('usage: node report_test.mjs --sample DIR --hostile DIR [--screenshot FILE.png [--more-screenshots 1]]');
  process.exit(2);
}

const here = path.dirname(new URL(import.meta.url).pathname);
let chromium;
try {
  chromium = createRequire(path.join(here, 'package.json'))('playwright-core').chromium;
} catch (e) {
  console.log('SKIP: playwright-core is not installed; run tests/reports/browser/setup.sh');
  process.exit(77);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is missing; run tests/reports/browser/setup.sh`);
  process.exit(77);
}

let passed = 0, failed = 0;
function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failed++;
    console.log(`FAIL ${what}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
  }
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsspec-report-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: {width: 1366, height: 900},
  deviceScaleFactor: 1,
  permissions: ['clipboard-read', 'clipboard-write'],
  offline: true,
});

// Opens one report and records everything the page does that it should not.
async function open(dir, data = 'results.json') {
  const file = path.resolve(dir, 'index.html');
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const seen = {requests: [], console: [], pageErrors: [], dialogs: []};
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') seen.console.push(m.text()); });
  page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(url, {waitUntil: 'load'});
  const results = JSON.parse(fs.readFileSync(path.resolve(dir, data), 'utf8'));
  return {page, url, seen, results};
}

async function visibleCases(page) {
  return page.$$eval('details.case', (els) => els.filter((e) => !e.hidden && e.offsetParent !== null)
    .map((e) => ({verdict: e.dataset.verdict, area: e.dataset.area})));
}

async function resetFilters(page) {
  await page.click('#f-reset');
}

async function commonChecks(name, r) {
  const {page, url, seen, results} = r;
  check((await page.title()).startsWith('wsspec report'), `${name}: page title`, await page.title());
  check(await page.evaluate(() => document.documentElement.classList.contains('js')),
        `${name}: the report's own script ran (allowed by its CSP hash)`);
  check(await page.isVisible('#summary .cards'), `${name}: summary visible`);
  // Summary cards show the counts of results.json.
  const cards = await page.$$eval('button.card', (bs) => bs.map((b) => [b.dataset.verdict, b.querySelector('.n').textContent]));
  for (const [v, n] of cards) {
    check(String(results.summary[v]) === n, `${name}: summary count of ${v}`, {shown: n, json: results.summary[v]});
  }
  const all = await visibleCases(page);
  check(all.length === results.cases.length, `${name}: every case listed`, {shown: all.length, json: results.cases.length});
  check((await page.textContent('#f-count')).startsWith(`${results.cases.length} of ${results.cases.length}`),
        `${name}: count line`);

  // Verdict filter: turning one verdict off hides exactly its cases.
  for (const v of ['pass', 'fail']) {
    const want = results.cases.filter((c) => c.verdict !== v).length;
    await page.click(`button.chip[data-verdict="${v}"]`);
    const shown = await visibleCases(page);
    check(shown.length === want && shown.every((c) => c.verdict !== v),
          `${name}: hiding ${v} hides exactly the ${v} cases`, {shown: shown.length, want});
    const dimmed = await page.$$eval('.matrix a.cell.dim', (a) => a.length);
    check(dimmed === results.cases.length - want, `${name}: matrix dims the hidden ${v} cells`, {dimmed});
    await page.click(`button.chip[data-verdict="${v}"]`);
  }
  // Summary card: only that verdict.
  const failing = results.cases.filter((c) => c.verdict === 'fail').length;
  await page.click('button.card[data-verdict="fail"]');
  let shown = await visibleCases(page);
  check(shown.length === failing && shown.every((c) => c.verdict === 'fail'),
        `${name}: the fail card shows only the fail cases`, {shown: shown.length, failing});
  await resetFilters(page);
  check((await visibleCases(page)).length === results.cases.length, `${name}: reset shows all again`);

  check(seen.requests.length === 1 && seen.requests[0] === url, `${name}: no request but the file itself`, seen.requests);
  check(await page.evaluate(() => window.__pwned === undefined), `${name}: no injected script ran (window.__pwned unset)`);
}

async function finalChecks(name, r) {
  const {page, url, seen} = r;
  check(seen.dialogs.length === 0, `${name}: no alert/confirm dialog`, seen.dialogs);
  check(seen.console.length === 0, `${name}: no console errors or warnings`, seen.console);
  check(seen.pageErrors.length === 0, `${name}: no uncaught exceptions`, seen.pageErrors);
  check(seen.requests.every((u) => u === url), `${name}: still no request but the file`, seen.requests);
  check(await page.evaluate(() => window.__pwned === undefined), `${name}: window.__pwned still unset`);
}

async function visibleRows(page) {
  return page.$$eval('table.cmp tr.row', (els) => els.filter((e) => !e.hidden && e.offsetParent !== null)
    .map((e) => ({id: e.querySelector('th code').textContent, area: e.dataset.area, differs: e.dataset.differs === '1'})));
}

// The comparison page of `wsspec report`: data is comparison.json.
async function comparisonChecks(name, r) {
  const {page, url, seen, results} = r;
  check((await page.title()).startsWith('wsspec comparison'), `${name}: page title`, await page.title());
  check(await page.evaluate(() => document.documentElement.classList.contains('js')),
        `${name}: the page's own script ran (allowed by its CSP hash)`);
  check(await page.$$eval('#runs .run', (e) => e.length) === results.runs.length, `${name}: one card per run`);
  const all = await visibleRows(page);
  check(all.length === results.cases.length, `${name}: one matrix row per case`, {shown: all.length, json: results.cases.length});
  // Every cell says the verdict comparison.json has.
  const cells = await page.$$eval('table.cmp tr.row', (rows) => rows.map((tr) =>
    Array.prototype.map.call(tr.querySelectorAll('td.cell'), (td) => td.textContent)));
  const want = results.cases.map((c) => c.verdicts.map((v) => v === null ? 'not run' : v));
  check(JSON.stringify(cells) === JSON.stringify(want), `${name}: matrix cells match comparison.json`);
  check((await page.textContent('#f-count')).startsWith(`${results.cases.length} of ${results.cases.length}`), `${name}: count line`);

  // Only rows that differ.
  const differing = results.cases.filter((c) => c.differs).length;
  await page.check('#f-diff');
  let shown = await visibleRows(page);
  check(shown.length === differing && shown.every((c) => c.differs),
        `${name}: "only rows that differ" shows exactly the differing rows`, {shown: shown.length, differing});
  const emptyGroups = await page.$$eval('table.cmp tbody.grp', (gs) => gs.filter((g) =>
    !g.hidden && !g.querySelector('tr.row:not([hidden])')).length);
  check(emptyGroups === 0, `${name}: areas without a shown row are hidden`);
  await page.uncheck('#f-diff');
  check((await visibleRows(page)).length === results.cases.length, `${name}: unchecking shows all again`);

  // Area filter.
  const area = results.cases[results.cases.length - 1].area;
  const inArea = results.cases.filter((c) => c.area === area).length;
  await page.selectOption('#f-area', area);
  shown = await visibleRows(page);
  check(shown.length === inArea && shown.every((c) => c.area === area), `${name}: area filter`, {shown: shown.length, inArea});
  await page.click('#f-reset');

  // Text filter, then a link of the changes list brings its hidden row back.
  await page.fill('#f-text', 'no such thing anywhere');
  check((await visibleRows(page)).length === 0, `${name}: text filter can hide everything`);
  const link = page.locator('#changes a[href^="#m-"]').first();
  if (await link.count()) {
    const target = (await link.getAttribute('href')).slice(1);
    await link.click();
    check(await page.$eval(`#${target}`, (tr) => !tr.hidden && tr.offsetParent !== null),
          `${name}: a change links to its matrix row, clearing the filters`);
  }
  await page.click('#f-reset');

  check(seen.requests.length === 1 && seen.requests[0] === url, `${name}: no request but the file itself`, seen.requests);
  check(await page.evaluate(() => window.__pwned === undefined), `${name}: no injected script ran (window.__pwned unset)`);
}

let sample, hostile;
try {
  // ----- the realistic report -----
  sample = await open(args.sample);
  await commonChecks('sample', sample);
  {
    const {page, results} = sample;
    // Text filter.
    await page.fill('#f-text', 'unknown-version');
    let shown = await visibleCases(page);
    check(shown.length === 1, 'sample: text filter finds the one matching case', shown.length);
    await page.fill('#f-text', 'WITHOUT a SEC-WEBSOCKET-VERSION header');  // case-insensitive, in a reason
    shown = await visibleCases(page);
    check(shown.length >= 1 && shown.every((c) => c.verdict === 'fail'), 'sample: text filter searches reasons, case-insensitively', shown);
    await page.fill('#f-text', 'no such thing anywhere');
    check((await visibleCases(page)).length === 0, 'sample: text filter can hide everything');
    check(await page.$$eval('section.area', (s) => s.every((e) => e.hidden)), 'sample: empty areas are hidden');
    await resetFilters(page);
    // Area filter.
    const utf8 = results.cases.filter((c) => c.area === 'utf8').length;
    await page.selectOption('#f-area', 'utf8');
    shown = await visibleCases(page);
    check(shown.length === utf8 && shown.every((c) => c.area === 'utf8'), 'sample: area filter', {shown: shown.length, utf8});
    await resetFilters(page);
    // A matrix cell opens its case.
    const cell = page.locator('.matrix a.cell.v-fail').first();
    const target = (await cell.getAttribute('href')).slice(1);
    await cell.click();
    check(await page.$eval(`#${target}`, (d) => d.open), 'sample: a matrix cell opens its case');
    // Its content: RFC link, rerun command, copy button.
    const rerun = await page.textContent(`#${target} .rerun code`);
    check(/^wsspec run ws:\/\/127\.0\.0\.1:9001\/ --cases '[^']+'$/.test(rerun), 'sample: rerun command', rerun);
    await page.click(`#${target} .rerun button.copy`);
    await page.waitForFunction((id) => document.querySelector(`#${id} .rerun button.copy`).textContent !== 'Copy', target);
    const clip = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
    check(clip === rerun || clip === null, 'sample: copy button copies the rerun command', clip);
    check(await page.$$eval(`#${target} .facts a`, (as) => as.length > 0 && as.every((a) => a.href.startsWith('https://www.rfc-editor.org/rfc/rfc'))),
          'sample: RFC links');
    check(await page.isVisible('figure svg rect.bar') && await page.isVisible('figure svg circle.dot'), 'sample: charts render');
    await page.click('#f-collapse');

    if (args.screenshot) {
      // The overview a reader sees first on a laptop: run facts, summary, matrix.
      await page.setViewportSize({width: 1366, height: 1280});
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({path: args.screenshot, fullPage: false});
      await page.setViewportSize({width: 1366, height: 900});
      console.log(`screenshot: ${args.screenshot}`);
      if (args['more-screenshots']) {
        // One failing case opened, and the whole page.
        const base = args.screenshot.replace(/\.png$/, '');
        await page.click('button.card[data-verdict="fail"]');
        await page.locator('details.case.v-fail summary').first().click();
        await page.locator('details.case.v-fail').first().scrollIntoViewIfNeeded();
        await page.screenshot({path: `${base}-case.png`, fullPage: false});
        await page.screenshot({path: `${base}-full.png`, fullPage: true});
        await resetFilters(page);
        console.log(`screenshots: ${base}-case.png, ${base}-full.png`);
      }
    }
  }
  await finalChecks('sample', sample);

  // ----- the hostile report -----
  hostile = await open(args.hostile);
  await commonChecks('hostile', hostile);
  {
    const {page} = hostile;
    await page.click('#f-expand');  // render everything the target sent
    await page.waitForTimeout(200);
    await page.fill('#f-text', 'hostile/info');
    check((await visibleCases(page)).length === 1, 'hostile: text filter');
    await resetFilters(page);
    check(await page.$$eval('img, iframe, object, embed, textarea', (e) => e.length) === 0, 'hostile: no injected elements in the DOM');
    check(await page.$$eval('script', (s) => s.length) === 1, 'hostile: only the report\'s own script element');
    const shownServer = await page.textContent('dl.meta dd .mono');
    check(shownServer.includes('<script>alert(1)</script>'), 'hostile: the Server header is shown as text', shownServer.slice(0, 80));
    check(await page.evaluate(() => getComputedStyle(document.body).display) !== 'none', 'hostile: injected CSS did not apply');
    if (args['more-screenshots']) await page.screenshot({path: args.screenshot.replace(/\.png$/, '-hostile.png'), fullPage: false});
  }
  await finalChecks('hostile', hostile);

  // ----- the comparison pages of `wsspec report` -----
  if (args.comparison) {
    const cmp = await open(args.comparison, 'comparison.json');
    await comparisonChecks('comparison', cmp);
    {
      const {page, results} = cmp;
      const d = results.diffs[0];
      check(await page.$$eval('#changes .diff', (e) => e.length) === results.diffs.length, 'comparison: one changes block per later run');
      const failing = await page.$$eval('#changes .diff:first-of-type h4', (hs) => hs.map((h) => h.textContent));
      check(failing.includes(`Newly failing (${d.newly_failing.length})`) && failing.includes(`Newly passing (${d.newly_passing.length})`),
            'comparison: newly failing / newly passing lists with their counts', failing);
      await page.fill('#f-text', d.newly_failing[0].id);
      const shown = await visibleRows(page);
      check(shown.length >= 1 && shown.some((c) => c.id === d.newly_failing[0].id), 'comparison: text filter finds a case by id', shown);
      await page.click('#f-reset');
      if (args.screenshot && args['more-screenshots']) {
        await page.screenshot({path: args.screenshot.replace(/\.png$/, '-comparison.png'), fullPage: false});
      }
    }
    await finalChecks('comparison', cmp);
  }
  if (args['comparison-hostile']) {
    const cmp = await open(args['comparison-hostile'], 'comparison.json');
    await comparisonChecks('comparison-hostile', cmp);
    const {page} = cmp;
    check(await page.$$eval('img, iframe, object, embed, textarea, svg', (e) => e.length) === 0, 'comparison-hostile: no injected elements in the DOM');
    check(await page.$$eval('script', (s) => s.length) === 1, 'comparison-hostile: only the page\'s own script element');
    check(await page.evaluate(() => getComputedStyle(document.body).display) !== 'none', 'comparison-hostile: injected CSS did not apply');
    const servers = await page.$$eval('#runs .run dd .mono', (e) => e.map((x) => x.textContent).join('\n'));
    check(servers.includes('<script>alert(1)</script>'), 'comparison-hostile: the Server header is shown as text');
    await finalChecks('comparison-hostile', cmp);
  }
} catch (e) {
  failed++;
  console.log(`FAIL exception: ${e && e.stack ? e.stack : e}`);
} finally {
  await context.close();
  fs.rmSync(userDataDir, {recursive: true, force: true});
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
