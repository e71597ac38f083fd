import { createRequire } from 'node:module';
import { describe, it, expect } from 'vitest';
import type * as Sarif from 'sarif';
import AjvDraft04 from 'ajv-draft-04';
import type { AnySchemaObject } from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type { Diagnostic, LintResult } from '../src/report/diagnostic.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatGithub } from '../src/report/github.js';
import { formatJunit } from '../src/report/junit.js';
import { formatJson } from '../src/report/json.js';
import { formatStylish } from '../src/report/stylish.js';
import { relativeToRepository } from '../src/commands/lint.js';
import { Chalk } from 'chalk';

// The official SARIF 2.1.0 (rtm.5) JSON schema as shipped by Microsoft's @microsoft/jest-sarif (draft-04).
const require = createRequire(import.meta.url);
const sarifSchema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as AnySchemaObject;
// Both packages are CommonJS whose module.exports also carries `.default`; NodeNext types only see the latter.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;
// unicodeRegExp off: one `pattern` in the schema (a language tag) is invalid under the `u` flag.
const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(sarifSchema);

function expectValidSarif(text: string): Sarif.Log {
  const log = JSON.parse(text) as Sarif.Log;
  const ok = validateSarif(log);
  expect(ok ? [] : validateSarif.errors).toEqual([]);
  return log;
}

const EXT = 'policies/My Extensions.xml';
const BASE = 'policies/TrustFrameworkBase.xml';
const CLEAN = 'policies/SignUpOrSignIn.xml';

const result: LintResult = {
  toolVersion: '0.1.0',
  files: [BASE, EXT, CLEAN],
  // Deliberately unsorted: the SARIF rules table must come out sorted by id.
  rules: [
    {
      id: 'B2C-TOTP-002',
      name: 'TotpPeriod',
      severity: 'warning',
      summary: 'TOTP period should be 30 seconds.',
      description: 'Authenticator apps assume a 30 second period.',
      docsPath: 'docs/rules/B2C-TOTP-002.md',
    },
    {
      id: 'B2C-REF-001',
      name: 'UnknownClaimReference',
      severity: 'error',
      summary: 'Referenced ClaimType is not defined.',
      description: 'A referenced ClaimType must be declared in the policy or one of its bases.',
      docsPath: 'docs/rules/B2C-REF-001.md',
    },
    {
      id: 'B2C-STY-003',
      name: 'DisplayNameStyle',
      severity: 'info',
      summary: 'DisplayName could be clearer.',
      description: 'Short display names help users.',
      docsPath: 'docs/rules/B2C-STY-003.md',
    },
  ],
  // Deliberately unsorted too.
  diagnostics: [
    {
      file: BASE,
      line: 10,
      column: 3,
      endLine: 12,
      endColumn: 5,
      severity: 'warning',
      ruleId: 'B2C-TOTP-002',
      message: 'Period is 100% of the window:\nuse 30, not 60',
    },
    {
      file: EXT,
      line: 50,
      column: 9,
      endLine: 50,
      endColumn: 20,
      severity: 'error',
      ruleId: 'B2C-REF-001',
      message: "ClaimType 'otpCode' is not defined in this policy or its bases.",
    },
    {
      file: EXT,
      line: 42,
      column: 7,
      endLine: 42,
      endColumn: 31,
      severity: 'error',
      ruleId: 'B2C-REF-001',
      message: "ClaimType 'totpSecret' is not defined in this policy or its bases.",
    },
    {
      file: BASE,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 2,
      severity: 'info',
      ruleId: 'B2C-STY-003',
      message: 'Use <DisplayName> & "quotes"',
    },
  ],
  summary: { errors: 2, warnings: 1, infos: 1 },
};

function diag(overrides: Partial<Diagnostic>): Diagnostic {
  return {
    file: 'a.xml',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    severity: 'error',
    ruleId: 'B2C-REF-001',
    message: 'm',
    ...overrides,
  };
}

function only(diagnostics: Diagnostic[], files: string[] = []): LintResult {
  const summary = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === 'error') summary.errors++;
    else if (d.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return { ...result, diagnostics, files, summary };
}

describe('formatSarif', () => {
  it('emits one schema-valid run with sorted rules and positioned results', () => {
    const text = formatSarif(result, { category: 'b2c-totp' });
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "$schema": ')).toBe(true);
    const log = expectValidSarif(text);

    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(Object.keys(run)).toEqual(['tool', 'automationDetails', 'columnKind', 'results']);
    expect(run.automationDetails).toEqual({ id: 'b2c-totp/' });
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.tool.driver.name).toBe('b2c-totp');
    expect(run.tool.driver.semanticVersion).toBe('0.1.0');
    expect(run.tool.driver.version).toBeUndefined();
    expect(run.tool.driver.rules?.map((r) => r.id)).toEqual(['B2C-REF-001', 'B2C-STY-003', 'B2C-TOTP-002']);
    expect(run.tool.driver.rules?.[0]).toEqual({
      id: 'B2C-REF-001',
      name: 'UnknownClaimReference',
      shortDescription: { text: 'Referenced ClaimType is not defined.' },
      fullDescription: { text: 'A referenced ClaimType must be declared in the policy or one of its bases.' },
      help: {
        text: 'A referenced ClaimType must be declared in the policy or one of its bases.\n\nDocumentation: docs/rules/B2C-REF-001.md',
        markdown:
          'A referenced ClaimType must be declared in the policy or one of its bases.\n\nDocumentation: `docs/rules/B2C-REF-001.md`',
      },
      defaultConfiguration: { level: 'error' },
      properties: { precision: 'very-high', 'problem.severity': 'error' },
    });
    expect(run.tool.driver.rules?.map((r) => [r.defaultConfiguration?.level, r.properties?.['problem.severity']])).toEqual([
      ['error', 'error'],
      ['note', 'recommendation'],
      ['warning', 'warning'],
    ]);

    const loc = (uri: string, startLine: number, startColumn: number, endLine: number, endColumn: number) => [
      {
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
          region: { startLine, startColumn, endLine, endColumn },
        },
      },
    ];
    expect(run.results).toEqual([
      {
        ruleId: 'B2C-REF-001',
        ruleIndex: 0,
        level: 'error',
        message: { text: "ClaimType 'totpSecret' is not defined in this policy or its bases." },
        locations: loc('policies/My%20Extensions.xml', 42, 7, 42, 31),
      },
      {
        ruleId: 'B2C-REF-001',
        ruleIndex: 0,
        level: 'error',
        message: { text: "ClaimType 'otpCode' is not defined in this policy or its bases." },
        locations: loc('policies/My%20Extensions.xml', 50, 9, 50, 20),
      },
      {
        ruleId: 'B2C-STY-003',
        ruleIndex: 1,
        level: 'note',
        message: { text: 'Use <DisplayName> & "quotes"' },
        locations: loc('policies/TrustFrameworkBase.xml', 1, 1, 1, 2),
      },
      {
        ruleId: 'B2C-TOTP-002',
        ruleIndex: 2,
        level: 'warning',
        message: { text: 'Period is 100% of the window:\nuse 30, not 60' },
        locations: loc('policies/TrustFrameworkBase.xml', 10, 3, 12, 5),
      },
    ]);
    expect(text).not.toContain('partialFingerprints');
  });

  it('keeps results present when empty and has no automationDetails without a category', () => {
    const log = expectValidSarif(formatSarif(only([])));
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.automationDetails).toBeUndefined();
  });

  it('does not double a trailing slash in the category', () => {
    const log = expectValidSarif(formatSarif(only([]), { category: 'policies/b2c-totp/' }));
    expect(log.runs[0]!.automationDetails).toEqual({ id: 'policies/b2c-totp/' });
  });

  it('percent-encodes path segments and clamps positions to >= 1', () => {
    const log = expectValidSarif(
      formatSarif(
        only([diag({ file: './dir/100% #1?/ü 😀.xml', line: 0, column: 0, endLine: 0, endColumn: 0 })]),
      ),
    );
    const physical = log.runs[0]!.results![0]!.locations![0]!.physicalLocation!;
    expect(physical.artifactLocation!.uri).toBe('dir/100%25%20%231%3F/%C3%BC%20%F0%9F%98%80.xml');
    expect(physical.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
  });

  it('the validator rejects what GitHub rejects (guards the guard)', () => {
    const log = JSON.parse(formatSarif(only([diag({})]))) as Sarif.Log;
    const physical = log.runs[0]!.results![0]!.locations![0]!.physicalLocation!;
    physical.artifactLocation!.uri = 'a b.xml';
    physical.region!.startLine = 0;
    expect(validateSarif(log)).toBe(false);
    expect(validateSarif.errors?.map((e) => e.keyword).sort()).toEqual(['format', 'minimum']);
  });
});

describe('related locations', () => {
  const withRelated = diag({
    file: 'rp dir/SignUp.xml',
    line: 17,
    column: 6,
    endLine: 17,
    endColumn: 24,
    message: 'Relying party B2C_1A_x runs …',
    related: [{ file: 'Base.xml', line: 804, column: 54, endLine: 804, endColumn: 77, message: "'X' named here" }],
  });

  it('SARIF carries them as relatedLocations, schema-valid', () => {
    const log = expectValidSarif(formatSarif(only([withRelated])));
    expect(log.runs[0]!.results![0]!.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'Base.xml', uriBaseId: '%SRCROOT%' }, region: { startLine: 804, startColumn: 54, endLine: 804, endColumn: 77 } },
        message: { text: "'X' named here" },
      },
    ]);
    // GitHub shows them only when the message links to them; literal brackets are then escaped.
    expect(log.runs[0]!.results![0]!.message.text).toBe('Relying party B2C_1A_x runs … Related: [Base.xml:804](1)');
    const bracket = expectValidSarif(formatSarif(only([{ ...withRelated, message: 'DataUri [contract:] x' }]))).runs[0]!.results![0]!;
    expect(bracket.message.text).toBe('DataUri \\[contract:\\] x Related: [Base.xml:804](1)');
    // Without related locations the property is absent.
    expect(expectValidSarif(formatSarif(only([diag({})]))).runs[0]!.results![0]!).not.toHaveProperty('relatedLocations');
  });

  it('json lists them under `related`, only when there are some', () => {
    const out = JSON.parse(formatJson(only([withRelated, diag({})]))) as { diagnostics: Array<Record<string, unknown>> };
    expect(out.diagnostics[0]!.related).toEqual([{ file: 'Base.xml', line: 804, column: 54, endLine: 804, endColumn: 77, message: "'X' named here" }]);
    expect(out.diagnostics[1]).not.toHaveProperty('related');
  });

  it('github annotations and junit findings carry them after the message', () => {
    const annotation = formatGithub(only([withRelated])).split('\n')[0];
    expect(annotation).toBe("::error file=rp dir/SignUp.xml,line=17,endLine=17,col=6,endColumn=24,title=B2C-REF-001::Relying party B2C_1A_x runs …%0A↳ Base.xml:804:54 'X' named here");
    expect(formatJunit(only([withRelated], ['rp dir/SignUp.xml']), { timestamp: '2026-01-01T00:00:00' })).toContain(
      "rp dir/SignUp.xml:17:6 error B2C-REF-001 Relying party B2C_1A_x runs … (↳ Base.xml:804:54 &apos;X&apos; named here)".replace(/&apos;/g, "'"),
    );
  });

  it('paths are rebased on the repository root together with the finding', () => {
    const rebased = relativeToRepository(only([withRelated]), '/repo/sub', { GITHUB_WORKSPACE: '/repo' });
    expect(rebased.diagnostics[0]!.file).toBe('sub/rp dir/SignUp.xml');
    expect(rebased.diagnostics[0]!.related![0]!.file).toBe('sub/Base.xml');
  });

  it('stylish prints each on an indented ↳ line under its finding', () => {
    const lines = formatStylish(only([withRelated], ['rp dir/SignUp.xml']), new Chalk({ level: 0 })).split('\n');
    expect(lines.slice(0, 3)).toEqual(['rp dir/SignUp.xml', '  17:6  error    Relying party B2C_1A_x runs …  B2C-REF-001', "          ↳ Base.xml:804:54 'X' named here"]);
  });
});

describe('formatGithub', () => {
  it('prints escaped annotations by severity, then the summary', () => {
    expect(formatGithub(result)).toBe(
      [
        "::error file=policies/My Extensions.xml,line=42,endLine=42,col=7,endColumn=31,title=B2C-REF-001::ClaimType 'totpSecret' is not defined in this policy or its bases.",
        "::error file=policies/My Extensions.xml,line=50,endLine=50,col=9,endColumn=20,title=B2C-REF-001::ClaimType 'otpCode' is not defined in this policy or its bases.",
        '::warning file=policies/TrustFrameworkBase.xml,line=10,endLine=12,title=B2C-TOTP-002::Period is 100%25 of the window:%0Ause 30, not 60',
        '::notice file=policies/TrustFrameworkBase.xml,line=1,endLine=1,col=1,endColumn=2,title=B2C-STY-003::Use <DisplayName> & "quotes"',
        '2 errors, 1 warning, 1 info',
        '',
      ].join('\n'),
    );
  });

  it('escapes property values and caps each severity at 10', () => {
    const errors = Array.from({ length: 12 }, (_, i) => diag({ line: i + 1, endLine: i + 1 }));
    const warnings = Array.from({ length: 11 }, (_, i) => diag({ severity: 'warning', line: i + 1, endLine: i + 1 }));
    const odd = diag({ severity: 'info', file: 'a,b:c%.xml', message: 'x\r\ny' });
    const lines = formatGithub(only([odd, ...warnings, ...errors])).split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(lines.slice(-4)).toEqual([
      '::notice file=a%2Cb%3Ac%25.xml,line=1,endLine=1,col=1,endColumn=2,title=B2C-REF-001::x%0D%0Ay',
      '3 findings not annotated (GitHub shows at most 10 per severity).',
      '12 errors, 11 warnings, 1 info',
      '',
    ]);
  });

  it('prints only the summary when there is nothing to report', () => {
    expect(formatGithub(only([]))).toBe('0 errors, 0 warnings, 0 infos\n');
  });
});

describe('formatJunit', () => {
  it('groups findings per (file, rule) and adds a passing testcase per clean file', () => {
    expect(formatJunit(result, { timestamp: '2025-01-02T03:04:05' })).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="b2c-totp" tests="4" failures="2" errors="0" time="0">',
        '  <testsuite name="b2c-totp" tests="4" failures="2" errors="0" skipped="0" time="0" timestamp="2025-01-02T03:04:05">',
        '    <testcase classname="policies/My Extensions.xml" name="B2C-REF-001" file="policies/My Extensions.xml" line="42" time="0">',
        `      <failure message="42:7 ClaimType 'totpSecret' is not defined in this policy or its bases." type="error">policies/My Extensions.xml:42:7 error B2C-REF-001 ClaimType 'totpSecret' is not defined in this policy or its bases.`,
        `policies/My Extensions.xml:50:9 error B2C-REF-001 ClaimType 'otpCode' is not defined in this policy or its bases.</failure>`,
        '    </testcase>',
        '    <testcase classname="policies/SignUpOrSignIn.xml" name="b2c-totp" file="policies/SignUpOrSignIn.xml" time="0"/>',
        '    <testcase classname="policies/TrustFrameworkBase.xml" name="B2C-STY-003" file="policies/TrustFrameworkBase.xml" line="1" time="0">',
        '      <system-out>policies/TrustFrameworkBase.xml:1:1 info B2C-STY-003 Use &lt;DisplayName&gt; &amp; "quotes"</system-out>',
        '    </testcase>',
        '    <testcase classname="policies/TrustFrameworkBase.xml" name="B2C-TOTP-002" file="policies/TrustFrameworkBase.xml" line="10" time="0">',
        '      <failure message="10:3 Period is 100% of the window:&#10;use 30, not 60" type="warning">policies/TrustFrameworkBase.xml:10:3 warning B2C-TOTP-002 Period is 100% of the window: use 30, not 60</failure>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('omits the timestamp unless given, and counts only clean files when nothing was found', () => {
    expect(formatJunit(only([], ['b.xml', 'a.xml']))).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="b2c-totp" tests="2" failures="0" errors="0" time="0">',
        '  <testsuite name="b2c-totp" tests="2" failures="0" errors="0" skipped="0" time="0">',
        '    <testcase classname="a.xml" name="b2c-totp" file="a.xml" time="0"/>',
        '    <testcase classname="b.xml" name="b2c-totp" file="b.xml" time="0"/>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('drops characters XML 1.0 forbids and escapes markup', () => {
    const out = formatJunit(only([diag({ message: 'a\u0000b\u0008c\uFFFEd\uD800e 😀 ]]> "q"\tt' })]));
    expect(out).toContain('message="1:1 abcde 😀 ]]&gt; &quot;q&quot;&#9;t" type="error">');
    expect(out).toContain('>a.xml:1:1 error B2C-REF-001 abcde 😀 ]]&gt; "q"\tt</failure>');
    expect(out).not.toMatch(/[\u0000-\u0008\uFFFE]/);
  });
});
