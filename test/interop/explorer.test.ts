// The explorer in a real browser: Debian's chromium driven by playwright-core against the real `sigbox up --dev`,
// with entries the real cosign wrote (v3 → the Rekor v2 log, v2 with --rekor-url → the v1 log). A person's path:
// drop the signed file on the page, find both entries, open each and see it verified in the browser; find it by
// identity and by index; a tampered proof or checkpoint (rewritten in flight by Playwright) shows as failed.
// With SIGBOX_EXPLORER_SCREENSHOTS=1 it also refreshes docs/explorer/*.png (then `pngquant --quality 60-90` them).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, findTool, startInteropStack } from '@sigbox/testkit';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, closeStack, expectSuccess } from './fixture.js';

const CHROMIUM = findTool({ command: 'chromium', why: "the explorer's browser tests drive it (apt-get install chromium)" });
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: 'cosign v3.1.3 signs the entries the explorer shows' });
const COSIGN_V2 = findTool({ env: 'COSIGN_V2', why: 'cosign v2.6.5 signs the Rekor v1 entry the explorer shows' });
const EMAIL = 'explorer@example.com';
const ARTIFACT = 'hello from the explorer test\n';
const SCREENSHOTS = process.env.SIGBOX_EXPLORER_SCREENSHOTS === '1' ? path.resolve('docs/explorer') : undefined;
const STEP_MS = 20_000;

interface Bundle {
  verificationMaterial: { tlogEntries: Array<{ logIndex?: string }> };
}

describe.skipIf(CHROMIUM === undefined || COSIGN_V3 === undefined || COSIGN_V2 === undefined)('the explorer in chromium', () => {
  let stack: InteropStack;
  let browser: Browser;
  let page: Page;
  const v2Index = { value: '0' };
  const v1Index = { value: '0' };
  const cspViolations: string[] = [];

  beforeAll(async () => {
    stack = await startInteropStack('pglite', { name: 'explorer', keepRequestLog: true });
    await writeFile(path.join(stack.work, 'artifact'), ARTIFACT);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, INTEROP_STACK_START_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await closeStack(stack);
  });

  const shot = async (name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
  };
  const verdict = () => page.locator('#verdict');
  /** The verdict of the entry page for `log`/`index` once that page (not the one before it) is shown. */
  const verdictOf = async (log: 'v1' | 'v2', index: string) => {
    await page.locator('h1', { hasText: `Rekor ${log} entry #${index}` }).waitFor({ timeout: STEP_MS });
    await verdict().waitFor({ timeout: STEP_MS });
    return verdict().getAttribute('class');
  };

  it('serves one page whose assets pass a strict CSP, cacheable by content hash', async () => {
    const res = await fetch(`${stack.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/explorer\/app-[0-9a-f]{12}\.js)"/.exec(await res.text())?.[1];
    const asset = await fetch(`${stack.url}${script}`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${stack.url}/explorer/app-000000000000.js`)).status).toBe(404);
  });

  it('signs the file with cosign v3 (Rekor v2) and cosign v2 (Rekor v1)', async () => {
    const run = async (binary: string, args: string[]) => expectSuccess(await stack.runClient(binary, args), stack);
    await run(COSIGN_V3 as string, [
      'sign-blob', '--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json'),
      '--identity-token', await stack.devToken(EMAIL), '--bundle', 'v3.json', '-y', 'artifact',
    ]);
    await run(COSIGN_V2 as string, [
      'sign-blob', '--fulcio-url', stack.url, '--rekor-url', stack.url, '--new-bundle-format', '--trusted-root', stack.trustFile('trusted_root.json'),
      '--identity-token', await stack.devToken(EMAIL), '--bundle', 'v2.json', '-y', 'artifact',
    ]);
    const indexOf = async (file: string) => ((JSON.parse(await readFile(path.join(stack.work, file), 'utf8')) as Bundle).verificationMaterial.tlogEntries[0]?.logIndex ?? '0');
    v2Index.value = await indexOf('v3.json');
    v1Index.value = await indexOf('v2.json');
  }, CLIENT_STEP_TIMEOUT_MS);

  it('finds both entries by the file dropped on the page, hashed in the browser', async () => {
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET') uploads.push(`${r.method()} ${r.url()}`);
    });
    await page.goto(`${stack.url}/`);
    await expect.poll(() => page.locator('h1').textContent(), { timeout: STEP_MS }).toBe('Search the transparency logs');
    await shot('home');
    // A real drop event carrying the file, as a person dragging it from their desktop makes.
    // (Evaluated in the page as text: the test's own TypeScript has no DOM types.)
    await page.evaluate(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(ARTIFACT)}], 'artifact'));
      document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    await page.waitForURL(/#\/search\?hash=[0-9a-f]{64}$/, { timeout: STEP_MS });
    await page.locator('h1', { hasText: 'Entries for' }).waitFor({ timeout: STEP_MS });
    expect(await page.locator('table.list tbody tr').count()).toBe(2);
    const links = await page.locator('table.list tbody a').allTextContents();
    expect(links).toEqual([`v2 #${v2Index.value}`, `v1 #${v1Index.value}`]);
    expect(await page.locator('table.list tbody').textContent()).toContain(EMAIL);
    expect(await page.locator('#hashed').textContent()).toContain(`SHA-256 of artifact (${ARTIFACT.length} bytes)`);
    expect(uploads).toEqual([]);
    await shot('search');
  }, STEP_MS * 3);

  it('opens the Rekor v2 entry: the signer decoded and the proof verified in the browser', async () => {
    await page.locator('table.list tbody a', { hasText: 'v2 #' }).click();
    expect(await verdictOf('v2', v2Index.value)).toBe('verdict pass');
    expect(await page.locator('[data-field="san"]').textContent()).toBe(EMAIL);
    expect(await page.locator('[data-field="issuer"]').textContent()).toBe(stack.issuer);
    expect(await page.locator('[data-field="digest"]').textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await page.locator('.check.pass').count()).toBe(2);
    expect(await page.locator('.check', { hasText: 'Checkpoint signature' }).textContent()).toContain('Ed25519');
    await shot('entry');
  }, STEP_MS * 2);

  it('finds the entries by identity and opens the v1 one by its index, verified (ECDSA checkpoint)', async () => {
    await page.goto(`${stack.url}/#/`);
    await page.locator('h1', { hasText: 'Search the transparency logs' }).waitFor({ timeout: STEP_MS });
    await page.locator('#kind').selectOption('subject');
    await page.locator('#q').fill(EMAIL.toUpperCase());
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Entries for' }).waitFor({ timeout: STEP_MS });
    expect(await page.locator('table.list tbody tr').count()).toBe(2);
    await page.locator('#kind').selectOption('index-v1');
    await page.locator('#q').fill(v1Index.value);
    await page.locator('button[type=submit]').click();
    expect(await verdictOf('v1', v1Index.value)).toBe('verdict pass');
    expect(await page.locator('.check', { hasText: 'Checkpoint signature' }).textContent()).toContain('ECDSA P-256');
    expect(await page.locator('.check.pass', { hasText: 'Signed entry timestamp' }).count()).toBe(1);
    expect(await page.locator('[data-field="san"]').textContent()).toBe(EMAIL);
  }, STEP_MS * 3);

  it('finds the entries by the signing certificate pasted as PEM, and the v1 entry by its UUID', async () => {
    const v3 = JSON.parse(await readFile(path.join(stack.work, 'v3.json'), 'utf8')) as { verificationMaterial: { certificate: { rawBytes: string } } };
    const pem = `-----BEGIN CERTIFICATE-----\n${v3.verificationMaterial.certificate.rawBytes.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;
    await page.goto(`${stack.url}/#/`);
    await page.locator('h1', { hasText: 'Search the transparency logs' }).waitFor({ timeout: STEP_MS });
    await page.locator('#kind').selectOption('publicKey');
    await page.locator('#q').fill(pem); // a one-line field: the browser drops the line breaks, the page restores them
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/search\?publicKey=/, { timeout: STEP_MS });
    await expect.poll(() => page.locator('table.list tbody a').allTextContents(), { timeout: STEP_MS }).toEqual([`v2 #${v2Index.value}`]);

    const uuid = Object.keys((await (await fetch(`${stack.url}/api/v1/log/entries?logIndex=${v1Index.value}`)).json()) as object)[0] as string;
    await page.goto(`${stack.url}/#/`);
    await page.locator('h1', { hasText: 'Search the transparency logs' }).waitFor({ timeout: STEP_MS });
    await page.locator('#kind').selectOption('uuid');
    await page.locator('#q').fill(uuid);
    await page.keyboard.press('Enter');
    expect(await verdictOf('v1', v1Index.value)).toBe('verdict pass');
  }, STEP_MS * 3);

  it('is keyboard navigable: the skip link leads to the content, the search form is reachable by Tab', async () => {
    await page.goto(`${stack.url}/#/`);
    await page.reload(); // a fresh document, focus at its start
    await page.locator('h1', { hasText: 'Search the transparency logs' }).waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('kind');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('q');
  }, STEP_MS);

  it('shows a tampered proof and a tampered checkpoint as failed', async () => {
    await page.route('**/sigbox/v1/explorer/v2/entries/*', async (route) => {
      const res = await route.fetch();
      const entry = (await res.json()) as { inclusionProof: { hashes: string[]; rootHash: string } };
      // One bit of the root the proof claims, as a server lying about the tree would change it.
      const flipped = (parseInt(entry.inclusionProof.rootHash.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0');
      entry.inclusionProof.rootHash = flipped + entry.inclusionProof.rootHash.slice(2);
      await route.fulfill({ response: res, json: entry });
    });
    await page.goto(`${stack.url}/#/entry/v2/${v2Index.value}`);
    expect(await verdictOf('v2', v2Index.value)).toBe('verdict fail');
    expect(await page.locator('.check.fail', { hasText: 'Inclusion proof' }).count()).toBe(1);
    await shot('entry-tampered');
    await page.unrouteAll();

    await page.route('**/api/v1/log/entries?logIndex=*', async (route) => {
      const res = await route.fetch();
      const answer = (await res.json()) as Record<string, { integratedTime: number; verification: { inclusionProof: { checkpoint: string } } }>;
      for (const entry of Object.values(answer)) {
        entry.integratedTime -= 3600; // backdated an hour: the signed entry timestamp no longer covers it
        // A checkpoint for another size, its signature kept: the signature no longer covers it.
        const [origin, size, ...rest] = entry.verification.inclusionProof.checkpoint.split('\n');
        entry.verification.inclusionProof.checkpoint = [origin, String(Number(size) + 1), ...rest].join('\n');
      }
      await route.fulfill({ response: res, json: answer });
    });
    await page.goto(`${stack.url}/#/entry/v1/${v1Index.value}`);
    expect(await verdictOf('v1', v1Index.value)).toBe('verdict fail');
    expect(await page.locator('.check.fail', { hasText: 'Checkpoint signature' }).count()).toBe(1);
    expect(await page.locator('.check.fail', { hasText: 'Signed entry timestamp' }).count()).toBe(1);
    await page.unrouteAll();
  }, STEP_MS * 3);

  it('shows the status page: each log, the trust keys and the trust files', async () => {
    await page.goto(`${stack.url}/#/status`);
    await expect.poll(() => page.locator('article.card').count(), { timeout: STEP_MS }).toBe(3);
    expect(await page.locator('article[data-log="rekor-v2"]').textContent()).toContain('Tree size');
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('a[download="trusted_root.json"]').count()).toBe(1);
    expect(await page.locator('table.list tbody tr').count()).toBeGreaterThanOrEqual(4);
    await shot('status');
  }, STEP_MS * 2);

  it('finds the certificates the CA issued for the identity in its CT log, and opens one', async () => {
    await page.goto(`${stack.url}/#/certificates`);
    await page.locator('h1', { hasText: 'Certificates issued' }).waitFor({ timeout: STEP_MS });
    await page.locator('#identity').fill(EMAIL);
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: `Certificates for ${EMAIL}` }).waitFor({ timeout: STEP_MS });
    // Two signings, two certificates, each logged as a precertificate before it was issued.
    expect(await page.locator('table.list tbody tr').count()).toBe(2);
    await shot('certificates');
    await page.locator('table.list tbody a').first().click();
    await page.locator('h1', { hasText: 'Certificate transparency entry #' }).waitFor({ timeout: STEP_MS });
    expect(await page.locator('[data-field="san"]').textContent()).toBe(EMAIL);
    expect(await page.locator('[data-field="issuer"]').textContent()).toBe(stack.issuer);
    expect(await page.locator('pre').textContent()).toContain('-----BEGIN CERTIFICATE-----');
    await shot('certificate');
  }, STEP_MS * 2);

  it('was readable on a phone and broke no CSP rule', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.url}/#/entry/v2/${v2Index.value}`);
    expect(await verdictOf('v2', v2Index.value)).toBe('verdict pass');
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot('entry-phone');
    for (const [route, title] of [[`#/search?subject=${EMAIL}`, 'Entries for'], ['#/status', 'Status'], [`#/certificates?subject=${EMAIL}`, 'Certificates for']] as const) {
      await page.goto(`${stack.url}/${route}`);
      await page.locator('h1', { hasText: title }).waitFor({ timeout: STEP_MS });
      expect(await page.evaluate('document.documentElement.scrollWidth'), route).toBeLessThanOrEqual(390);
    }
    expect(cspViolations).toEqual([]);
  }, STEP_MS * 2);
});
