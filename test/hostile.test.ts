import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/cli.js';

// Malformed and hostile input, through the real CLI: one clear diagnostic naming the file (with line:column where
// there is one), exit 1 for a broken file and 2 for a usage problem, no stack trace, bounded output, quick.
// Every input is generated here, in a temp folder; nothing hostile is committed.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'b2c-totp.js');
const NS = 'http://schemas.microsoft.com/online/cpim/schemas/2013/06';
const MAX_OUTPUT = 20_000;

/** A standalone policy that lints clean (no base, no placeholders). */
function goodPolicy(id = 'B2C_1A_Good', extraAttributes = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" PolicyId="${id}" PublicPolicyUri="http://contoso.onmicrosoft.com/${id}"${extraAttributes}>
  <BuildingBlocks>
    <ClaimsSchema>
      <ClaimType Id="objectId">
        <DisplayName>Object id</DisplayName>
        <DataType>string</DataType>
      </ClaimType>
    </ClaimsSchema>
  </BuildingBlocks>
</TrustFrameworkPolicy>
`;
}

interface Run {
  status: number | null;
  out: string;
  stdout: string;
  stderr: string;
  ms: number;
}

let tmp: string;

function run(args: string[], cwd = tmp): Run {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'lint', '--no-xsd', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', B2C_TOTP_DEBUG: '' },
  });
  if (r.error) throw r.error; // e.g. ETIMEDOUT: the run did not finish in 30 s
  expect(r.signal).toBeNull();
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr, ms: Date.now() - t0 };
}

/** What every run must satisfy, whatever the input. */
function expectSane(r: Run): void {
  expect(r.out.length).toBeLessThan(MAX_OUTPUT);
  expect(r.out).not.toMatch(/^\s{4}at /m); // stack frames
  expect(r.out).not.toMatch(/\b(?:Range|Type|Syntax|Reference)?Error:/);
  expect(r.out).not.toMatch(/node:internal|file:\/\/\//);
  expect(r.ms).toBeLessThan(30_000);
}

interface JsonReport {
  diagnostics: Array<{ file: string; line: number; column: number; severity: string; ruleId: string; message: string }>;
  summary: { errors: number; warnings: number; infos: number };
}

/** Writes one file into its own folder (so findings never mix), lints it by name, checks both output formats. */
function lintOne(name: string, content: string | Uint8Array): { json: JsonReport; text: Run; dir: string } {
  const dir = mkdtempSync(path.join(tmp, 'case-'));
  writeFileSync(path.join(dir, name), content);
  const text = run([name], dir);
  expectSane(text);
  const jsonRun = run([name, '--format', 'json'], dir);
  expectSane(jsonRun);
  expect(jsonRun.status).toBe(text.status);
  return { json: JSON.parse(jsonRun.stdout) as JsonReport, text, dir };
}

/** Exactly one error on the file, at line:column, shown in the text output as `file` then `line:column  error ... RULE`. */
function expectOneError(name: string, content: string | Uint8Array, rule: string, line: number, column: number, message?: string | RegExp): Run {
  const { json, text } = lintOne(name, content);
  expect(text.status).toBe(1);
  expect(json.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual([`${name}:${line}:${column} error ${rule}`]);
  if (message) expect(json.diagnostics[0]!.message).toMatch(message);
  expect(text.stdout).toContain(name);
  expect(text.stdout).toMatch(new RegExp(`^\\s+${line}:${column}\\s+error\\s+.+\\s${rule}$`, 'm'));
  return text;
}


beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'b2c-hostile-'));
}, 120_000);

afterAll(() => {
  if (!tmp) return;
  // Restore permissions so the unreadable-file case can be removed.
  for (const f of readdirSync(tmp, { recursive: true }) as string[]) {
    try {
      chmodSync(path.join(tmp, f), 0o755);
    } catch {
      /* dangling links and the like */
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('hostile input through the CLI: entities are never expanded', () => {
  it('billion laughs (internal entities): XML-002 at the DOCTYPE, nothing expanded', () => {
    const lol = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n ${lol.join('\n ')}\n]>\n<TrustFrameworkPolicy xmlns="${NS}">&lol9;</TrustFrameworkPolicy>\n`;
    const r = expectOneError('bomb.xml', bomb, 'XML-002', 2, 1, /^DOCTYPE declarations are not allowed/);
    expect(r.out).not.toMatch(/(lol){3}/);
  });

  it('external entity SYSTEM "file:///etc/passwd": XML-002, the file is never read', () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<TrustFrameworkPolicy xmlns="${NS}" PolicyId="&xxe;">&xxe;</TrustFrameworkPolicy>\n`;
    const r = expectOneError('xxe.xml', xxe, 'XML-002', 2, 1);
    expect(r.out).not.toMatch(/root:.*:0:0:/);
    expect(r.out).not.toContain('/bin/');
  });

  it('parameter entities (external DTD): XML-002', () => {
    const pe = `<?xml version="1.0"?>\n<!DOCTYPE foo [\n  <!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd">\n  %remote;\n]>\n<TrustFrameworkPolicy xmlns="${NS}"/>\n`;
    expectOneError('param.xml', pe, 'XML-002', 2, 1);
  });

  it('an ENTITY declaration without a DOCTYPE, after the root start tag: XML-002 at the declaration', () => {
    expectOneError('entity.xml', `<TrustFrameworkPolicy xmlns="${NS}">\n  <!ENTITY a "b">\n</TrustFrameworkPolicy>\n`, 'XML-002', 2, 3, /^ENTITY declarations are not allowed/);
  });
});

describe('hostile input through the CLI: not XML, or not UTF-8', () => {
  it('empty file: XML-001 "File is empty."', () => {
    expectOneError('empty.xml', '', 'XML-001', 1, 1, /^File is empty\.$/);
  });

  it('whitespace-only file: XML-001', () => {
    expectOneError('blank.xml', ' \n\t\r\n   \n', 'XML-001', 1, 1, /^File is empty\.$/);
  });

  it('binary with NUL bytes (a zip header): XML-001 at the first NUL', () => {
    expectOneError('archive.xml', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), 'XML-001', 1, 6, /NUL byte: it is binary/);
  });

  it('binary that is not even UTF-8 (a PNG header): XML-005 at the first byte', () => {
    expectOneError('image.xml', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), 'XML-005', 1, 1, /Invalid UTF-8 byte 0x89/);
  });

  it('invalid UTF-8 (a Latin-1 é) in an otherwise good policy: XML-005 at its line and column', () => {
    const text = goodPolicy().replace('<DisplayName>Object id', '<DisplayName>Objet d\u00e9tail');
    const bytes = Buffer.from(text, 'latin1');
    // Line 6: 8 spaces, <DisplayName> (13), "Objet d" (7): the é is column 29.
    expectOneError('latin1.xml', bytes, 'XML-005', 6, 29, /Invalid UTF-8 byte 0xe9/);
  });

  it('UTF-16 LE with a BOM: XML-005', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(goodPolicy(), 'utf16le')]);
    expectOneError('utf16.xml', bytes, 'XML-005', 1, 1, /UTF-16 encoded/);
  });

  it('truncated mid-tag: XML-001 at the end of the file', () => {
    const good = goodPolicy();
    const cut = good.slice(0, good.indexOf('<DataType>') + 5); // "...        <Data"
    expectOneError('truncated.xml', cut, 'XML-001', 7, 14, /^Not well-formed XML: /);
  });

  it('200,000 levels of nesting: XML-001 at the first element too deep, no stack overflow', () => {
    const n = 200_000;
    const prefix = `<TrustFrameworkPolicy xmlns="${NS}">`;
    expectOneError('deep.xml', `${prefix}${'<a>'.repeat(n)}${'</a>'.repeat(n)}</TrustFrameworkPolicy>`, 'XML-001', 1, prefix.length + 255 * 3 + 1, /more than 256 levels/);
  });

  it('300 levels (parseable, far beyond any policy): XML-001 at the first element too deep', () => {
    const prefix = `<TrustFrameworkPolicy xmlns="${NS}">`;
    // Root is depth 1; the 256th <a> is depth 257, the first too deep. Each <a> is 3 columns.
    expectOneError('deep300.xml', `${prefix}${'<a>'.repeat(300)}${'</a>'.repeat(300)}</TrustFrameworkPolicy>`, 'XML-001', 1, prefix.length + 255 * 3 + 1, /more than 256 levels/);
  });

  it('a 5 MB attribute value in a good policy: linted normally (only LIMIT-001, the file is over 1024 KB), value never echoed', () => {
    const r = expectOneError('big.xml', goodPolicy('B2C_1A_Good', ` Note="${'A'.repeat(5 * 1024 * 1024)}"`), 'LIMIT-001', 1, 1, /^big\.xml is 5,243,\d{3} bytes/);
    expect(r.out).not.toContain('AAAAAAAAAA');
  });

  it('a 5 MB PolicyId that rules quote: each message shows at most 100 characters of it, located at the attribute', () => {
    const id = `B2C_1A_${'A'.repeat(5 * 1024 * 1024)}.`; // a trailing '.' breaks the schema pattern: POL-001 quotes the id
    const { json, text } = lintOne('bigid.xml', goodPolicy(id));
    expect(text.status).toBe(1);
    const col = `<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="contoso.onmicrosoft.com" `.length + 1;
    expect(json.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual(['1:1 error LIMIT-001', `2:${col} error POL-001`]);
    const pol = json.diagnostics[1]!;
    expect(pol.message).toBe(`PolicyId 'B2C_1A_${'A'.repeat(92)}…' has characters the schema does not allow (letters, digits, '_', '-', '.'; not ending in '.').`);
    for (const d of json.diagnostics) expect(d.message.length).toBeLessThanOrEqual(1000);
    expect((json.diagnostics[1] as { policyId?: string }).policyId).toBe(`B2C_1A_${'A'.repeat(92)}…`);
    expect(text.out).not.toContain('A'.repeat(100));
  });

  it('a 15 MB policy (14,000 claim types): read and linted, one located LIMIT-001 error', () => {
    const claims = Array.from({ length: 14_000 }, (_, i) => `      <ClaimType Id="claim${i}">\n        <DisplayName>${'Claim number '.repeat(80)}${i}</DisplayName>\n        <DataType>string</DataType>\n      </ClaimType>\n`).join('');
    const big = goodPolicy('B2C_1A_Big').replace('    </ClaimsSchema>', `${claims}    </ClaimsSchema>`);
    expect(big.length).toBeGreaterThan(15_000_000);
    expectOneError('big15.xml', big, 'LIMIT-001', 1, 1, /^big15\.xml is [\d,]+ bytes/);
  }, 60_000);

  it('a 5 MB attribute value that is never closed: XML-001, value never echoed', () => {
    const start = `<TrustFrameworkPolicy xmlns="${NS}" Note="`;
    // Reported where the unclosed value starts.
    const r = expectOneError('bigopen.xml', `<?xml version="1.0"?>\n${start}${'A'.repeat(5 * 1024 * 1024)}`, 'XML-001', 2, start.length + 1, /Unclosed attribute/);
    expect(r.out).not.toContain('AAAAAAAAAA');
  });
});

describe('hostile input through the CLI: XML that is not a policy', () => {
  it('an HTML page named .xml, passed explicitly: with <!DOCTYPE html> XML-002, without it XML-001, as XHTML XML-004', () => {
    expectOneError('page.xml', '<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>hi<br></p></body></html>\n', 'XML-002', 1, 1);
    expectOneError('page2.xml', '<html>\n<body><p>hi<br></p></body>\n</html>\n', 'XML-001', 2, 16, /br/);
    expectOneError('page3.xml', '<html xmlns="http://www.w3.org/1999/xhtml">\n<body><p>hi<br/></p></body>\n</html>\n', 'XML-004', 1, 2, /Root element is <html>/);
  });

  it('the wrong namespace: XML-004 at the xmlns attribute', () => {
    const text = goodPolicy().replace(NS, 'http://schemas.microsoft.com/online/cpim/schemas/2013/07');
    expectOneError('ns.xml', text, 'XML-004', 2, 23, /Namespace '.*2013\/07' is wrong/);
  });

  // Was an XML-001 error with the bare parser message. A template is not meant to be uploaded as it is
  // (upload-semantics.md §4): one XML-007 message naming the token, a warning in plain lint, an error with --ready.
  it('a bare {Settings:X} between attributes: one XML-007 "unbuilt template" at the brace; an error only with --ready', () => {
    const text = goodPolicy().replace(' TenantId=', ' {Settings:Tenant} TenantId=');
    // Line 2: `<TrustFrameworkPolicy xmlns="..."` then ` PolicySchemaVersion="0.3.0.0" ` then the token.
    const col = `<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" `.length + 1;
    const { json, text: plain, dir } = lintOne('bare.xml', text);
    expect(plain.status).toBe(0);
    expect(json.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual([`2:${col} warning XML-007`]);
    expect(json.diagnostics[0]!.message).toBe(
      "Unbuilt template: not well-formed XML until its template tokens are substituted ('{Settings:Tenant}' here), so it was not linted. Build it first (b2c-totp build) or lint the built output.",
    );
    const ready = run(['bare.xml', '--ready', '--format', 'json'], dir);
    expect(ready.status).toBe(1);
    expect((JSON.parse(ready.stdout) as JsonReport).diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual([`2:${col} error XML-007`]);
  });

  it('template tokens and a real defect: XML-001 at the real defect, not at the token', () => {
    const text = goodPolicy()
      .replace('TenantId="contoso.onmicrosoft.com"', 'TenantId={{TenantId}}')
      .replace('<DataType>string</DataType>', '<DataType>string</DataTyp>');
    const line = text.split('\n').findIndex((l) => l.includes('</DataTyp>')) + 1;
    expectOneError('mixed.xml', text, 'XML-001', line, text.split('\n')[line - 1]!.indexOf('</DataTyp>') + 1, /Missing end tag for element DataType/);
  });

  it('text before a start tag is not a placeholder: <p>hi<br></p> stays XML-001', () => {
    expectOneError('p.xml', `<TrustFrameworkPolicy xmlns="${NS}"><p>hi<br></p></TrustFrameworkPolicy>`, 'XML-001', 1, `<TrustFrameworkPolicy xmlns="${NS}"><p>hi<br>`.length + 1, /br/);
  });

  it('a raw < in an attribute value: XML-001 at the <', () => {
    const text = goodPolicy().replace('TenantId="contoso.onmicrosoft.com"', 'TenantId="contoso<.onmicrosoft.com"');
    const col = `<TrustFrameworkPolicy xmlns="${NS}" PolicySchemaVersion="0.3.0.0" TenantId="contoso`.length + 1;
    expectOneError('lt.xml', text, 'XML-001', 2, col, /`<`/);
  });
});

describe('hostile input through the CLI: folders and paths', () => {
  it('a missing path: exit 2, the message names it, nothing on stdout', () => {
    const r = run(['no-such-dir/policy.xml']);
    expectSane(r);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('b2c-totp: no-such-dir/policy.xml: no such file or folder.\n');
  });

  it('a folder without any *.xml: exit 2, the message names it', () => {
    const dir = mkdtempSync(path.join(tmp, 'noxml-'));
    writeFileSync(path.join(dir, 'README.txt'), 'not a policy');
    const r = run([path.basename(dir)]);
    expectSane(r);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`b2c-totp: ${path.basename(dir)}: no *.xml policy files in this folder.\n`);
  });

  it('a non-policy XML file found by scanning is skipped with an XML-006 info: exit 0', () => {
    const dir = mkdtempSync(path.join(tmp, 'mixed-'));
    writeFileSync(path.join(dir, 'Policy.xml'), goodPolicy());
    writeFileSync(path.join(dir, 'web.xml'), '<?xml version="1.0"?>\n<configuration>\n  <appSettings/>\n</configuration>\n');
    const r = run([path.basename(dir), '--format', 'json']);
    expectSane(r);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual([`${path.basename(dir)}/web.xml:2:2 info XML-006`]);
  });

  it('one broken file and one good policy in a folder: the run goes on and reports both', () => {
    const dir = mkdtempSync(path.join(tmp, 'both-'));
    const name = path.basename(dir);
    writeFileSync(path.join(dir, 'Broken.xml'), `<?xml version="1.0"?>\n<TrustFrameworkPolicy xmlns="${NS}">\n  <BasePol`);
    // The good policy still has a starter-pack placeholder, so it shows up with an info finding of its own.
    writeFileSync(path.join(dir, 'Good.xml'), goodPolicy().replace('<DisplayName>Object id</DisplayName>', '<DisplayName>yourtenant</DisplayName>'));
    const r = run([name, '--format', 'json']);
    expectSane(r);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.ruleId}`)).toEqual([
      `${name}/Broken.xml:3:11 error XML-001`,
      `${name}/Good.xml:6:22 info ENV-001`,
    ]);
    const text = run([name]);
    expect(text.stdout).toContain(`${name}/Broken.xml`);
    expect(text.stdout).toContain(`${name}/Good.xml`);
    expect(text.stdout).toMatch(/in 2 files/);
  });

  it('symbolic-link loops in a scanned folder terminate; a looping path named explicitly is a usage error', () => {
    const dir = mkdtempSync(path.join(tmp, 'loops-'));
    const name = path.basename(dir);
    writeFileSync(path.join(dir, 'Policy.xml'), goodPolicy());
    mkdirSync(path.join(dir, 'sub'));
    symlinkSync('..', path.join(dir, 'sub', 'up')); // a directory loop
    symlinkSync('b.xml', path.join(dir, 'a.xml')); // a -> b -> a
    symlinkSync('a.xml', path.join(dir, 'b.xml'));
    const r = run([name, '--format', 'json']);
    expectSane(r);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as JsonReport).summary).toEqual({ errors: 0, warnings: 0, infos: 0 });
    const direct = run([`${name}/a.xml`]);
    expectSane(direct);
    expect(direct.status).toBe(2);
    expect(direct.stderr).toBe(`b2c-totp: ${name}/a.xml: symbolic link loop.\n`);
  });

  // chmod 000 does not stop root from reading, so the case cannot be produced when the tests run as root.
  it.skipIf(process.getuid?.() === 0)('an unreadable file: XML-001 "Cannot read file (EACCES)", exit 1', () => {
    const dir = mkdtempSync(path.join(tmp, 'perm-'));
    const file = path.join(dir, 'Secret.xml');
    writeFileSync(file, goodPolicy());
    chmodSync(file, 0o000);
    const r = run([path.basename(dir), '--format', 'json']);
    expectSane(r);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.ruleId} ${d.message}`)).toEqual([
      `${path.basename(dir)}/Secret.xml:1:1 XML-001 Cannot read file (EACCES).`,
    ]);
  });
});
