import type { XmlElement } from '../xml/nodes.js';
import type { Severity } from '../report/diagnostic.js';
import type { Policy } from '../policy/policy.js';
import type { BrokenFile, PolicySet } from '../policy/set.js';
import type { TargetEnvironment } from '../policy/settings.js';
import type { Span } from '../xml/element.js';
import type { XsdValidator } from '../xsd/validate.js';

export type RuleCategory = 'xml' | 'chain' | 'reference' | 'duplicate' | 'journey' | 'structure' | 'azuremfa' | 'totp' | 'placeholder' | 'environment' | 'flow' | 'profile' | 'content' | 'limit';

export interface RuleMeta {
  /** Stable code used in config, disable comments and SARIF, e.g. `REF-001`. */
  id: string;
  /** Readable kebab-case alias, accepted wherever the id is. */
  name: string;
  category: RuleCategory;
  severity: Severity;
  /** One line: what the rule checks. */
  summary: string;
  /** Why it matters: what the service or runtime does otherwise. */
  description: string;
  /** Where the fact comes from, e.g. `upload-errors.md §1 #10`. */
  source: string;
  /** Snippets for the docs page. */
  examples: { bad: string; good: string };
}

/** Where a finding points: an element (optionally one attribute or its text), or a raw span. */
export type Target =
  | { element: XmlElement; attribute?: string; text?: boolean }
  | { span: Span };

export interface Report {
  /** The file the location is in. */
  file: Policy | BrokenFile;
  at: Target;
  message: string;
  /** Overrides the rule's default severity for this finding (user config still wins). */
  severity?: Severity;
  /** Other places that explain the finding (e.g. the profile a relying party runs), each with a short message. */
  related?: Array<{ file: Policy | BrokenFile; at: Target; message: string }>;
}

export interface LintOptions {
  /** Deploy-ready checks: placeholders become errors. */
  ready: boolean;
  /** Compiled schema when XSD validation is on (--xsd, config, or an XSD found beside the files). */
  xsd?: XsdValidator | undefined;
  /**
   * The environment being built (`b2c-totp build`): the environment rules check the output against
   * it. Undefined for plain lint, where those rules do nothing.
   */
  environment?: TargetEnvironment | undefined;
  /** Config "requireTotp": TOTP-040 checks every relying party (true) or those running the named journeys. */
  requireTotp?: boolean | readonly string[] | undefined;
}

export interface RuleContext {
  readonly set: PolicySet;
  readonly options: LintOptions;
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}
