import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import crypto from 'node:crypto';
import { openStore } from '../../src/store/store.ts';
import { inCi, makeTempDir } from '../support/backends.ts';
import { waitFor } from '../support/wait.ts';

// Drives the built UI in Debian's Chromium against a real server on a loopback port, with its own
// data folder and file root. Flows, datasets and source files are made through the API first.

const repoRoot = path.resolve(import.meta.dirname, '../..');
const chromiumPath = '/usr/bin/chromium';
const screenshots = path.join(repoRoot, 'test-output', 'screenshots');
const token = 'test-token';
const hourMs = 3_600_000;
const runTimeoutMs = 120_000;
const viewport = { width: 1440, height: 900 };

function skipReason(): string | false {
  if (fs.existsSync(chromiumPath)) return false;
  const reason = `Chromium is missing at ${chromiumPath}; install it with apt-get install -y chromium`;
  if (inCi) throw new Error(`${reason}; CI requires it.`);
  return reason;
}

/** Builds web/dist unless it is newer than every source file of the UI. */
function buildUiWhenStale(): void {
  const built = path.join(repoRoot, 'web', 'dist', 'index.html');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const sources = [
    path.join(repoRoot, 'web', 'index.html'),
    path.join(repoRoot, 'web', 'vite.config.ts'),
    ...fs
      .readdirSync(path.join(repoRoot, 'web', 'src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name)),
  ];
  if (sources.every((file) => fs.statSync(file).mtimeMs < builtAt)) return;

  const result = spawnSync(
    path.join(repoRoot, 'node_modules', '.bin', 'vite'),
    ['build', 'web', '--logLevel', 'warn'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, `vite build failed: ${result.stderr}`);
}

interface Server {
  url: string;
  process: ChildProcess;
  output: string[];
}

async function startServer(dataDir: string, fileRoot: string): Promise<Server> {
  const child = spawn(process.execPath, ['bin/tributary.js', 'serve'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TRIBUTARY_DATA_DIR: dataDir,
      TRIBUTARY_FILE_ROOTS: fileRoot,
      TRIBUTARY_ADMIN_TOKEN: token,
      TRIBUTARY_DEMO: '0',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  const url = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output.join('')}`);
      return /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''))?.[1];
    },
    { timeoutMs: 60_000, message: 'the server to print its address' },
  );
  return { url, process: child, output };
}

/** Stops the server gracefully, and kills it when it has not exited 30 s later. */
async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.process.exitCode !== null) return;
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGTERM');
  const timer = setTimeout(() => server.process.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

function apiClient(baseUrl: string) {
  return async function call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}/api/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} returned ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

interface Run {
  id: string;
  status: string;
  retryOf?: string | null;
  params: { startTime: string; windowStartTime: string; windowEndTime: string };
  metrics?: { recordSummary?: { inputRecordCount?: number; outputRecordCount?: number; failedRecordCount?: number } };
}

/** Writes a source file and sets its modification time, which places it in a run's window. */
function writeSourceFile(file: string, content: string, modifiedAt: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.utimesSync(file, modifiedAt / 1000, modifiedAt / 1000);
}

/** Formats an instant as the `datetime-local` value a person in that time zone would type. */
function localInput(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Lists the API paths the UI sources call, with every interpolated segment written `{id}`. */
function uiRoutes(): string[] {
  const routes = new Set<string>();
  const call = /\b(?:api|download)\b[^(\n;]*\(\s*(['`])(\/[^'`]*)\1/g;
  const folder = path.join(repoRoot, 'web', 'src');
  for (const entry of fs.readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const source = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    for (const match of source.matchAll(call)) routes.add(match[2]!.replace(/\$\{[^}]+\}/g, '{id}'));
  }
  return [...routes].sort();
}

/** Waits for a dialog to close, and fails with its text (an error it shows) when it stays open. */
async function dialogClosed(dialog: Locator): Promise<void> {
  try {
    await dialog.waitFor({ state: 'detached' });
  } catch (error) {
    const text = await dialog.textContent().catch(() => '');
    throw new Error(`the dialog stayed open: ${text}`, { cause: error });
  }
}

/** Fails when a table is wider than the box that holds it, which hides some of its columns. */
async function assertFits(table: Locator, what: string): Promise<void> {
  const { tableWidth, boxWidth } = await table.evaluate((element) => ({
    tableWidth: element.scrollWidth,
    boxWidth: element.parentElement!.clientWidth,
  }));
  assert.ok(tableWidth <= boxWidth, `${what} is ${tableWidth}px wide in a ${boxWidth}px box`);
}

/** The screens the layout must fit, from a desktop monitor to a small laptop. */
const screens = [{ width: 1920, height: 1080 }, viewport, { width: 1280, height: 800 }];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

const labels = {
  fr: {
    code: 'fr',
    token: 'Jeton d’API',
    signIn: 'Se connecter',
    dataflows: 'Flux de données',
    catalog: 'Catalogue',
    accounts: 'Comptes',
    menu: (name: string) => `Actions pour ${name}`,
    runOnDemand: 'Exécuter à la demande',
    startTime: 'Heure de début de l’ingestion',
    windowStart: 'Heure de début de la période',
    windowEnd: 'Heure de fin de la période',
    submit: 'Planifier',
    processed: 'Traité',
    scheduled: 'Planifié',
    retry: 'Réessayer',
    language: 'Langue',
    localFiles: 'Fichiers locaux',
    windowEndAfterStart: /La fin de la période ne doit pas dépasser l’heure de début de l’ingestion/,
  },
  en: {
    code: 'en',
    token: 'API token',
    signIn: 'Sign in',
    dataflows: 'Dataflows',
    catalog: 'Catalog',
    accounts: 'Accounts',
    menu: (name: string) => `Actions for ${name}`,
    runOnDemand: 'Run on demand',
    startTime: 'Ingestion start time',
    windowStart: 'Window start time',
    windowEnd: 'Window end time',
    submit: 'Schedule',
    processed: 'Processed',
    scheduled: 'Scheduled',
    retry: 'Retry',
    language: 'Language',
    localFiles: 'Local files',
    windowEndAfterStart: /The window end must not be after the ingestion start time/,
  },
};
type Labels = (typeof labels)['fr'];

describe('web UI', { skip: skipReason(), timeout: 600_000 }, () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let api: ReturnType<typeof apiClient>;
  let fileRoot: string;
  let dataDir: string;
  let accountId: string;

  before(async () => {
    buildUiWhenStale();
    fs.mkdirSync(screenshots, { recursive: true });
    fileRoot = makeTempDir('tributary-web-files-');
    dataDir = makeTempDir('tributary-web-data-');
    server = await startServer(dataDir, fileRoot);
    api = apiClient(server.url);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });

    fs.mkdirSync(path.join(fileRoot, 'exports'), { recursive: true });
    const account = await api<{ id: string }>('POST', '/connections', {
      name: 'Exports',
      connectionSpec: { id: 'local-files' },
      auth: { params: { folder: 'exports' } },
    });
    accountId = account.id;
  });

  after(async () => {
    await browser?.close();
    await stopServer(server);
  });

  /** Creates a CSV source, a dataset and an enabled daily flow whose schedule starts tomorrow. */
  async function createFlow(name: string, file: string, fieldType: 'integer' | 'string', thresholdPercent: number) {
    const source = await api<{ id: string }>('POST', '/sourceConnections', {
      name: `${name} CSV`,
      baseConnectionId: accountId,
      data: { format: 'delimited', properties: { columnDelimiter: ';', encoding: 'utf-8', header: true } },
      params: { path: file, recursive: false },
    });
    const dataset = await api<{ id: string }>('POST', '/datasets', {
      name: `${name} dataset`,
      schema: {
        fields: [
          { name: 'orderId', type: 'string', required: true },
          { name: 'quantity', type: fieldType },
        ],
      },
    });
    const flow = await api<{ id: string }>('POST', '/flows', {
      name,
      sourceConnectionIds: [source.id],
      targetDatasetId: dataset.id,
      transformations: {
        mapping: [
          { source: 'order_id', destination: 'orderId' },
          { source: 'quantity', destination: 'quantity' },
        ],
      },
      scheduleParams: {
        frequency: 'day',
        interval: 1,
        startTime: new Date(Date.now() + 24 * hourMs).toISOString(),
        timezone: 'Europe/Paris',
        backfill: false,
      },
      options: { errorThresholdPercent: thresholdPercent },
    });
    return { flowId: flow.id, datasetId: dataset.id };
  }

  async function runsOf(flowId: string): Promise<Run[]> {
    const page = await api<{ items: Run[] }>('GET', `/runs?property=flowId==${flowId}&limit=50`);
    return page.items;
  }

  async function signIn(context: BrowserContext, text: Labels): Promise<Page> {
    const page = await context.newPage();
    await page.goto(server!.url);
    await page.getByLabel(text.token).waitFor();
    await shot(page, `${text.code}-sign-in`);
    await page.getByLabel(text.token).fill(token);
    await page.getByRole('button', { name: text.signIn }).click();
    await page.getByRole('tab', { name: text.dataflows }).waitFor();
    return page;
  }

  async function runOnDemandThroughUi(language: 'fr' | 'en', timeZone: string, flowName: string, flowId: string) {
    const text = labels[language];
    const context = await browser!.newContext({
      locale: language === 'fr' ? 'fr-FR' : 'en-US',
      timezoneId: timeZone,
      viewport,
    });
    try {
      const page = await signIn(context, text);
      await page.getByRole('tab', { name: text.catalog }).click();
      await page.getByRole('heading', { name: text.localFiles }).waitFor();
      await shot(page, `${language}-catalog`);
      await page.getByRole('tab', { name: text.accounts }).click();
      await page.getByRole('cell', { name: 'Exports', exact: true }).waitFor();
      await shot(page, `${language}-accounts`);

      await page.getByRole('tab', { name: text.dataflows }).click();
      await page.getByRole('link', { name: flowName, exact: true }).waitFor();
      assert.equal(await page.title(), `${text.dataflows} · Sources · Tributary`);
      await shot(page, `${language}-dataflows`);

      // The start is a little ahead, so the run waits under Scheduled before a worker takes it.
      const now = Date.now();
      const startMs = Math.ceil((now + 25_000) / 1000) * 1000;
      // The row menu works from the keyboard: Enter opens it on its first item, Run on demand.
      await page.getByRole('button', { name: text.menu(flowName) }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('menuitem', { name: text.runOnDemand }).waitFor();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog');

      // A window that ends after the ingestion start is rejected, in the user's language.
      // A whole hour, so that the value typed below has zero seconds.
      const windowStartMs = Math.floor((now - 3 * hourMs) / hourMs) * hourMs;
      const windowEndMs = Math.floor((now - hourMs) / 1000) * 1000;
      await dialog.getByLabel(text.startTime).fill(localInput(now - 2 * hourMs, timeZone));
      await dialog.getByLabel(text.windowStart).fill(localInput(windowStartMs, timeZone));
      await dialog.getByLabel(text.windowEnd).fill(localInput(windowEndMs, timeZone));
      await dialog.getByRole('button', { name: text.submit, exact: true }).click();
      const problem = dialog.locator('[data-code="WINDOW_END_AFTER_START"]');
      await problem.waitFor();
      assert.match((await problem.textContent()) ?? '', text.windowEndAfterStart);
      await shot(page, `${language}-on-demand-error`);

      await dialog.getByLabel(text.startTime).fill(localInput(startMs, timeZone));
      await dialog.getByLabel(text.windowStart).fill(localInput(windowStartMs, timeZone));
      await dialog.getByLabel(text.windowEnd).fill(localInput(windowEndMs, timeZone));

      // One hour earlier from the keyboard: Chromium then writes the value without its zero seconds.
      const windowStartField = dialog.getByLabel(text.windowStart);
      await windowStartField.focus();
      // Three date parts (month, day, year; or day, month, year) come before the hour in both locales.
      for (let part = 0; part < 3; part += 1) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      const typedStartMs = windowStartMs - hourMs;
      assert.equal(await windowStartField.inputValue(), localInput(typedStartMs, timeZone).slice(0, -3));
      await shot(page, `${language}-on-demand`);
      await dialog.getByRole('button', { name: text.submit, exact: true }).click();
      await dialogClosed(dialog);

      const run = await waitFor(async () => (await runsOf(flowId))[0], { message: 'the on-demand run' });
      assert.equal(Date.parse(run.params.startTime), startMs, 'the start time keeps its zone offset');
      assert.equal(Date.parse(run.params.windowStartTime), typedStartMs, 'the typed window start is sent');
      assert.equal(run.status === 'scheduled' || run.status === 'inProgress' || run.status === 'success', true);

      await page.getByRole('link', { name: flowName, exact: true }).click();
      await page.getByRole('tab', { name: text.scheduled }).click();
      await page.locator(`tr[data-run-id="${run.id}"]`).waitFor();
      await shot(page, `${language}-scheduled`);

      await page.getByRole('tab', { name: text.processed }).click();
      const row = page.locator(`tr[data-run-id="${run.id}"][data-status="success"]`);
      await row.waitFor({ timeout: runTimeoutMs });
      assert.equal((await row.locator('[data-metric="received"]').textContent())?.trim(), '3');
      assert.equal((await row.locator('[data-metric="ingested"]').textContent())?.trim(), '3');
      assert.equal((await row.locator('[data-metric="failed"]').textContent())?.trim(), '0');
      await shot(page, `${language}-processed`);

      await row.getByRole('button').first().click();
      await page.locator(`aside[data-run-id="${run.id}"]`).waitFor();
      await shot(page, `${language}-run-detail`);
      for (const screen of screens) {
        await page.setViewportSize(screen);
        await assertFits(page.locator('table.table-runs'), `the runs table at ${screen.width} px`);
        await shot(page, `${language}-run-detail-${screen.width}`);
      }
      await page.setViewportSize(viewport);
      return { page, context, windowStartMs: typedStartMs, windowEndMs };
    } catch (error) {
      await context.close();
      throw error;
    }
  }

  test('on-demand run in French', async () => {
    writeSourceFile(
      path.join(fileRoot, 'exports', 'fr.csv'),
      'order_id;quantity\nA1;1\nA2;2\nA3;3\n',
      Date.now() - 2 * hourMs,
    );
    const { flowId, datasetId } = await createFlow('Commandes FR', 'fr.csv', 'integer', 5);

    const { page, context } = await runOnDemandThroughUi('fr', 'Europe/Paris', 'Commandes FR', flowId);
    try {
      await page.getByRole('link', { name: 'Jeux de données', exact: true }).click();
      await page.getByRole('link', { name: 'Commandes FR dataset', exact: true }).waitFor();
      await shot(page, 'fr-datasets');

      await page.goto(`${server!.url}/datasets/${datasetId}`);
      await page.getByRole('cell', { name: 'A3', exact: true }).waitFor();
      await shot(page, 'fr-dataset');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Exporter en CSV' }).click(),
      ]);
      const exported = fs.readFileSync((await download.path())!, 'utf8');
      assert.match(exported, /A3/);

      // The language choice is remembered over the browser's language.
      await page.getByLabel(labels.fr.language).selectOption('en');
      await page.reload();
      await page.getByRole('link', { name: 'Datasets', exact: true }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    } finally {
      await context.close();
    }
  });

  test('on-demand run in English', async () => {
    writeSourceFile(
      path.join(fileRoot, 'exports', 'en.csv'),
      'order_id;quantity\nB1;1\nB2;2\nB3;3\n',
      Date.now() - 2 * hourMs,
    );
    const { flowId } = await createFlow('Orders EN', 'en.csv', 'integer', 5);

    const timeZone = 'America/New_York';
    const { page, context, windowStartMs, windowEndMs } = await runOnDemandThroughUi(
      'en',
      timeZone,
      'Orders EN',
      flowId,
    );
    try {
      // The same window again: the overlap shows before anything is created.
      await page.getByRole('button', { name: 'Run on demand', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Ingestion start time').fill(localInput(Date.now(), timeZone));
      await dialog.getByLabel('Window start time').fill(localInput(windowStartMs, timeZone));
      await dialog.getByLabel('Window end time').fill(localInput(windowEndMs, timeZone));
      await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
      await dialog.getByText('This window overlaps other runs').waitFor();
      await dialog.getByRole('button', { name: 'Schedule anyway' }).waitFor();
      await shot(page, 'en-on-demand-overlap');
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialogClosed(dialog);
      assert.equal((await runsOf(flowId)).length, 1);

      // A backfill lists its windows (a dry run) before it can be launched.
      await page.getByRole('button', { name: 'Backfill', exact: true }).click();
      await dialog.getByLabel('Range start time').fill(localInput(Date.now() - 72 * hourMs, timeZone));
      await dialog.getByLabel('Range end time').fill(localInput(Date.now() - 24 * hourMs, timeZone));
      await dialog.getByRole('button', { name: 'Preview windows' }).click();
      await dialog.locator('.backfill-preview').waitFor();
      await shot(page, 'en-backfill-preview');
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      assert.equal((await runsOf(flowId)).length, 1);
    } finally {
      await context.close();
    }
  });

  test('dataflow menu edits, disables, enables', async () => {
    writeSourceFile(path.join(fileRoot, 'exports', 'menu.csv'), 'order_id;quantity\nM1;1\n', Date.now() - hourMs);
    const { flowId } = await createFlow('Menu orders', 'menu.csv', 'integer', 5);
    const context = await browser!.newContext({ locale: 'en-GB', timezoneId: 'Europe/London', viewport });
    try {
      const page = await signIn(context, labels.en);
      const row = page.locator(`tr[data-flow-id="${flowId}"]`);

      await page.getByRole('button', { name: 'Actions for Menu orders' }).click();
      await page.getByRole('menuitem', { name: 'Edit schedule' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Interval').fill('2');
      await shot(page, 'en-edit-schedule');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await row.getByText('Every 2 days (Europe/Paris)').waitFor();

      await page.getByRole('button', { name: 'Actions for Menu orders' }).click();
      await page.getByRole('menuitem', { name: 'Disable dataflow' }).click();
      await row.getByText('Disabled', { exact: true }).waitFor();

      // A disabled flow takes no on-demand run, and the dialog shows the reason in words.
      await page.getByRole('button', { name: 'Actions for Menu orders' }).click();
      await page.getByRole('menuitem', { name: 'Run on demand' }).click();
      await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
      await dialog
        .locator('[data-code="FLOW_DISABLED"]')
        .getByText('The dataflow is disabled. Enable it first.')
        .waitFor();
      await shot(page, 'en-flow-disabled');
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();

      await page.getByRole('button', { name: 'Actions for Menu orders' }).click();
      await page.getByRole('menuitem', { name: 'Enable dataflow' }).click();
      await row.getByText('Enabled', { exact: true }).waitFor();

      const flow = await api<{ state: string; scheduleParams: { interval: number } }>('GET', `/flows/${flowId}`);
      assert.equal(flow.state, 'enabled');
      assert.equal(flow.scheduleParams.interval, 2);
    } finally {
      await context.close();
    }
  });

  test('UI calls documented routes', async () => {
    const documented = new Set(
      Object.keys((await api<{ paths: Record<string, unknown> }>('GET', '/openapi.json')).paths).map((route) =>
        route.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, '{id}'),
      ),
    );
    const called = uiRoutes();
    assert.ok(called.includes('/runs/{id}/action'), `routes found in the UI: ${called.join(', ')}`);
    assert.deepEqual(
      called.filter((route) => !documented.has(route)),
      [],
    );
  });

  test('sandbox switch scopes the lists', async () => {
    writeSourceFile(path.join(fileRoot, 'exports', 'prod.csv'), 'order_id;quantity\nP1;1\n', Date.now() - hourMs);
    await createFlow('Production orders', 'prod.csv', 'integer', 5);
    await api('POST', '/sandboxes', { name: 'staging', title: 'Staging', type: 'development' });

    const context = await browser!.newContext({ locale: 'en-GB', timezoneId: 'Europe/London', viewport });
    try {
      const page = await signIn(context, labels.en);
      await page.getByRole('link', { name: 'Production orders', exact: true }).waitFor();

      await page.getByLabel('Sandbox').selectOption('staging');
      await page.getByText('Nothing here yet.').waitFor();
      assert.equal(await page.getByRole('link', { name: 'Production orders', exact: true }).count(), 0);
      await shot(page, 'en-sandbox-staging');

      // The choice is remembered across a reload.
      await page.reload();
      await page.getByText('Nothing here yet.').waitFor();
      assert.equal(await page.getByLabel('Sandbox').inputValue(), 'staging');

      await page.getByLabel('Sandbox').selectOption('prod');
      await page.getByRole('link', { name: 'Production orders', exact: true }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('activity page pages 10,000 runs', async () => {
    writeSourceFile(path.join(fileRoot, 'exports', 'busy.csv'), 'order_id;quantity\nD1;1\n', Date.now() - hourMs);
    const { flowId } = await createFlow('Busy orders', 'busy.csv', 'integer', 5);
    await insertFinishedRuns(flowId, 10_000);
    assert.deepEqual(await api('GET', `/runs?property=flowId==${flowId}&count=true`), { count: 10_000 });

    const context = await browser!.newContext({ locale: 'en-GB', timezoneId: 'Europe/London', viewport });
    try {
      const page = await signIn(context, labels.en);
      const runLimits: number[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname === '/api/v1/runs') runLimits.push(Number(url.searchParams.get('limit')));
      });

      await page.goto(`${server!.url}/flows/${flowId}`);
      const rows = page.locator('tr[data-run-id]');
      await rows.nth(24).waitFor();
      assert.equal(await rows.count(), 25);
      await shot(page, 'en-many-runs');

      await page.getByRole('button', { name: 'Load more' }).click();
      await rows.nth(49).waitFor();
      assert.equal(await rows.count(), 50);
      assert.ok(runLimits.length >= 2);
      assert.ok(
        runLimits.every((limit) => limit > 0 && limit <= 25),
        `run list requests asked for ${runLimits.join(', ')}`,
      );
    } finally {
      await context.close();
    }
  });

  test('processed runs show their windows', async () => {
    writeSourceFile(path.join(fileRoot, 'exports', 'late.csv'), 'order_id;quantity\nL1;1\n', Date.now() - hourMs);
    const { flowId } = await createFlow('Late orders', 'late.csv', 'integer', 5);
    // A catch-up after downtime: three windows, all started in the same second.
    await insertFinishedRuns(flowId, 3, Date.now() - hourMs);

    for (const text of [labels.fr, labels.en]) {
      const context = await browser!.newContext({ locale: text.code, timezoneId: 'Europe/Paris', viewport });
      try {
        const page = await signIn(context, text);
        await page.goto(`${server!.url}/flows/${flowId}`);
        const windows = page.locator('tr[data-run-id] td[data-column="window"]');
        await windows.nth(2).waitFor();
        const shown = await windows.allTextContents();
        assert.equal(new Set(shown).size, 3, shown.join(' | '));
        assert.match(shown[0]!, /\(Europe\/Paris\)$/);
        const heading = text.code === 'fr' ? 'Période' : 'Window';
        await page.getByRole('columnheader', { name: heading, exact: true }).waitFor();

        const first = await page.locator('[data-axis="first"]').textContent();
        const last = await page.locator('[data-axis="last"]').textContent();
        assert.notEqual(first, last);
        await shot(page, `${text.code}-processed-windows`);
      } finally {
        await context.close();
      }
    }
  });

  test('unknown flow id shows not found', async () => {
    const texts = {
      fr: { title: 'Flux de données introuvable', back: 'Retour aux flux de données' },
      en: { title: 'Dataflow not found', back: 'Back to dataflows' },
    };
    for (const text of [labels.fr, labels.en]) {
      const context = await browser!.newContext({ locale: text.code, timezoneId: 'Europe/Paris', viewport });
      try {
        const page = await signIn(context, text);
        await page.goto(`${server!.url}/flows/does-not-exist`);
        await page.getByRole('heading', { name: texts[text.code as 'fr' | 'en'].title }).waitFor();
        assert.equal(await page.getByRole('tab').count(), 0);
        await page.getByText('does-not-exist').waitFor();
        await shot(page, `${text.code}-flow-not-found`);

        await page.getByRole('link', { name: texts[text.code as 'fr' | 'en'].back }).click();
        await page.getByRole('tab', { name: text.dataflows }).waitFor();
      } finally {
        await context.close();
      }
    }
  });

  /**
   * Writes finished runs straight into the metadata database, as years of hourly runs would leave,
   * or, with `startedAt`, as a catch-up that started every missed window at once.
   */
  async function insertFinishedRuns(flowId: string, count: number, startedAt?: number): Promise<void> {
    const store = await openStore({ url: `sqlite:${path.join(dataDir, 'metadata.db')}` });
    try {
      const flow = await store.db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirstOrThrow();
      const end = Math.floor(Date.now() / hourMs) * hourMs - 24 * hourMs;
      const metrics = JSON.stringify({
        inputRecordCount: 3,
        outputRecordCount: 3,
        failedRecordCount: 0,
        inputFileCount: 1,
      });
      const rows = Array.from({ length: count }, (_, index) => {
        const windowEnd = end - index * hourMs;
        return {
          id: crypto.randomUUID(),
          org_id: flow.org_id,
          sandbox: flow.sandbox,
          flow_id: flowId,
          status: 'success' as const,
          trigger: 'schedule' as const,
          retry_of: null,
          superseded: 0,
          attempt: 1,
          due_at: windowEnd,
          window_start: windowEnd - hourMs,
          window_end: windowEnd,
          delta_column: null,
          schedule_key: `${flowId}:${windowEnd - hourMs}:${windowEnd}`,
          metrics,
          errors: '[]',
          batch_id: null,
          lease_owner: null,
          lease_expires_at: null,
          cancel_requested: 0,
          started_at: startedAt ?? windowEnd + 1000,
          completed_at: (startedAt ?? windowEnd) + 2000,
          etag: crypto.randomUUID(),
          created_at: windowEnd,
          updated_at: windowEnd + 2000,
          created_by: flow.created_by,
        };
      });
      for (let start = 0; start < rows.length; start += 500) {
        await store.db
          .insertInto('runs')
          .values(rows.slice(start, start + 500))
          .execute();
      }
    } finally {
      await store.close();
    }
  }

  test('first table run sets the delta column', async () => {
    const now = Date.now();
    const database = new Database(path.join(fileRoot, 'shop.sqlite'));
    database.exec('create table orders (order_id text, quantity integer, updated_at datetime)');
    const insert = database.prepare('insert into orders values (?, ?, ?)');
    insert.run('T1', 1, new Date(now - 2 * hourMs).toISOString());
    insert.run('T2', 2, new Date(now - 30 * hourMs).toISOString());
    database.close();

    const account = await api<{ id: string }>('POST', '/connections', {
      name: 'Shop',
      connectionSpec: { id: 'sqlite' },
      auth: { params: { path: 'shop.sqlite' } },
    });
    const source = await api<{ id: string }>('POST', '/sourceConnections', {
      name: 'Shop orders',
      baseConnectionId: account.id,
      data: { format: 'tabular' },
      params: { tableName: 'orders' },
    });
    const dataset = await api<{ id: string }>('POST', '/datasets', {
      name: 'Shop orders dataset',
      schema: { fields: [{ name: 'orderId', type: 'string', required: true }] },
    });
    const flow = await api<{ id: string }>('POST', '/flows', {
      name: 'Shop orders',
      sourceConnectionIds: [source.id],
      targetDatasetId: dataset.id,
      transformations: { mapping: [{ source: 'order_id', destination: 'orderId' }] },
      scheduleParams: { frequency: 'once', startTime: new Date(now + 24 * hourMs).toISOString(), backfill: false },
    });

    const timeZone = 'Europe/Paris';
    const context = await browser!.newContext({ locale: 'en-GB', timezoneId: timeZone, viewport });
    try {
      const page = await signIn(context, labels.en);
      await page.getByRole('link', { name: 'Shop orders', exact: true }).waitFor();
      // A one-time schedule names its zone once.
      const schedule = (await page.locator(`tr[data-flow-id="${flow.id}"] td`).nth(4).textContent()) ?? '';
      assert.match(schedule, /^Once at .+ UTC$/);
      assert.equal(schedule.split('UTC').length, 2, schedule);
      await shot(page, 'en-dataflows-once');
      await page.getByLabel(labels.en.language).selectOption('fr');
      const frenchSchedule = page.locator(`tr[data-flow-id="${flow.id}"] td`).nth(4);
      await frenchSchedule.getByText(/^Une fois, le .+ UTC$/).waitFor();
      assert.equal(((await frenchSchedule.textContent()) ?? '').split('UTC').length, 2);
      await shot(page, 'fr-dataflows-once');
      await page.getByLabel(labels.fr.language).selectOption('en');

      await page.getByRole('button', { name: 'Actions for Shop orders' }).click();
      await page.getByRole('menuitem', { name: 'Run on demand' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Ingestion start time').fill(localInput(now, timeZone));
      await dialog.getByLabel('Window start time').fill(localInput(now - 3 * hourMs, timeZone));
      await dialog.getByLabel('Window end time').fill(localInput(now - hourMs, timeZone));
      await dialog.getByLabel('Delta column').fill('updated_at');
      await shot(page, 'en-on-demand-delta');
      await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
      await dialogClosed(dialog);

      const run = await waitFor(async () => (await runsOf(flow.id)).find((item) => item.status === 'success'), {
        timeoutMs: runTimeoutMs,
        message: 'the table run to succeed',
      });
      assert.equal(run.metrics?.recordSummary?.outputRecordCount, 1);
      const saved = await api<{ transformations: { deltaColumn?: { name: string } } }>('GET', `/flows/${flow.id}`);
      assert.equal(saved.transformations.deltaColumn?.name, 'updated_at');
    } finally {
      await context.close();
    }
  });

  test('setup wizard creates a dataflow', async () => {
    writeSourceFile(
      path.join(fileRoot, 'exports', 'wizard', 'communes.csv'),
      'code_insee;nom;population\n01001;L’Abergement-Clémenciat;832\n2A004;Ajaccio;71361\n',
      Date.now() - hourMs,
    );
    const context = await browser!.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport });
    try {
      const page = await signIn(context, labels.fr);
      await page.getByRole('button', { name: 'Nouveau flux de données' }).click();
      await page.getByLabel('Compte', { exact: true }).selectOption({ label: 'Exports (Fichiers locaux)' });
      await shot(page, 'fr-wizard-account');
      await page.getByRole('button', { name: 'Suivant' }).click();

      await page.getByRole('button', { name: 'Ouvrir wizard' }).click();
      await page.getByRole('button', { name: 'Aperçu de communes.csv' }).click();
      await page.getByRole('cell', { name: '2A004', exact: true }).waitFor();
      await shot(page, 'fr-wizard-source');
      await page.getByRole('button', { name: 'Suivant' }).click();

      await page.getByLabel('Nom du jeu de données').fill('communes');
      await page.getByLabel('Champ du jeu de données (code_insee)').fill('codeInsee');
      assert.equal(await page.getByLabel('Type du champ (code_insee)').inputValue(), 'string');
      await page.getByLabel('Clé primaire').selectOption('codeInsee');
      await shot(page, 'fr-wizard-dataset');
      await page.getByRole('button', { name: 'Suivant' }).click();

      await page.getByLabel('Nom du flux de données').fill('Communes quotidiennes');
      await page.getByLabel('Fréquence').selectOption('day');
      await shot(page, 'fr-wizard-dataflow');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await shot(page, 'fr-wizard-review');
      await page.getByRole('button', { name: 'Créer le flux de données' }).click();
      await page.getByRole('heading', { name: 'Activité de Communes quotidiennes' }).waitFor();

      const flows = await api<{
        items: { name: string; targetDatasetId: string; scheduleParams: { frequency: string } }[];
      }>('GET', '/flows?limit=100');
      const flow = flows.items.find((item) => item.name === 'Communes quotidiennes');
      assert.equal(flow?.scheduleParams.frequency, 'day');
      const dataset = await api<{ schema: { fields: { name: string; type: string }[] }; primaryKey: string[] }>(
        'GET',
        `/datasets/${flow!.targetDatasetId}`,
      );
      assert.deepEqual(
        dataset.schema.fields.map((field) => `${field.name}:${field.type}`),
        ['codeInsee:string', 'nom:string', 'population:integer'],
      );
      assert.deepEqual(dataset.primaryKey, ['codeInsee']);
    } finally {
      await context.close();
    }
  });

  test('retry of a failed run', async () => {
    const file = path.join(fileRoot, 'exports', 'strict.csv');
    const modifiedAt = Date.now() - 2 * hourMs;
    writeSourceFile(file, 'order_id;quantity\nC1;one\nC2;2\n', modifiedAt);
    const { flowId } = await createFlow('Strict orders', 'strict.csv', 'integer', 0);

    const now = Date.now();
    const failed = await api<Run>('POST', '/runs', {
      flowId,
      params: {
        startTime: new Date(now).toISOString(),
        windowStartTime: new Date(now - 3 * hourMs).toISOString(),
        windowEndTime: new Date(now - hourMs).toISOString(),
      },
    });
    await waitFor(async () => (await runsOf(flowId)).find((run) => run.id === failed.id && run.status === 'failed'), {
      timeoutMs: runTimeoutMs,
      message: 'the run over the error threshold to fail',
    });

    // The corrected file keeps its time, so the retry of the same window reads it.
    writeSourceFile(file, 'order_id;quantity\nC1;1\nC2;2\n', modifiedAt);

    const context = await browser!.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport });
    try {
      const page = await signIn(context, labels.fr);
      await page.goto(`${server!.url}/flows/${flowId}`);
      const failedRow = page.locator(`tr[data-run-id="${failed.id}"][data-status="failed"]`);
      await failedRow.waitFor();
      await failedRow.getByRole('button').first().click();
      const panel = page.locator(`aside[data-run-id="${failed.id}"]`);
      await panel.getByText('ERROR_THRESHOLD_EXCEEDED').first().waitFor();
      await shot(page, 'fr-failed-run');

      // The row error is listed, and the CSV of all row errors downloads with the bearer token.
      await panel.getByRole('cell', { name: 'one', exact: true }).waitFor();
      for (const screen of screens) {
        await page.setViewportSize(screen);
        await assertFits(page.locator('table.table-runs'), `the runs table at ${screen.width} px`);
        await assertFits(panel.locator('table'), `the row errors at ${screen.width} px`);
        await panel.getByRole('cell', { name: 'one', exact: true }).scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(screenshots, `fr-failed-run-${screen.width}.png`) });
      }
      await page.setViewportSize(viewport);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        panel.getByRole('link', { name: 'Télécharger toutes les erreurs en CSV' }).click(),
      ]);
      const csv = fs.readFileSync((await download.path())!, 'utf8');
      assert.match(csv, /^origin,rowNumber,field,code,message,rawValue/);
      assert.match(csv, /strict\.csv,1,/);

      await failedRow.getByRole('button', { name: `${labels.fr.retry} ${failed.id}` }).click();
      const retry = await waitFor(async () => (await runsOf(flowId)).find((run) => run.retryOf === failed.id), {
        message: 'the retry run',
      });
      const retryRow = page.locator(`tr[data-run-id="${retry.id}"][data-status="success"]`);
      await retryRow.waitFor({ timeout: runTimeoutMs });
      assert.equal((await retryRow.locator('[data-metric="ingested"]').textContent())?.trim(), '2');
      await shot(page, 'fr-retried');
    } finally {
      await context.close();
    }
  });
});
