import { effectiveTechnicalProfile, handlerIs } from '../../policy/effective.js';
import { finalTechnicalProfiles, isEnrollmentPage, isVerificationPage, usesTotpControls } from '../../totp/azuremfa.js';
import { PROVIDER_CLASS } from '../../totp/catalogue.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'TOTP-028',
    name: 'separate-totp-sessions',
    category: 'totp',
    severity: 'warning',
    summary:
      'The enrollment page (shows a QrCodeControl) and the verification page (validates with VerifyOTP) do not share one UseTechnicalProfileForSessionManagement.',
    description:
      'With one SSO session for both, the session that enrollment creates lets the service skip the verification page right after it, so the first code is never checked and the enrollment is not stored; users end up enrolling again. The sample gives enrollment its own SM-MFA-Totp-Input. No-op session providers are ignored.',
    source: 'totp-spec.md §4.4 (68eb700), §9 TOTP-028; upload-errors.md §2 T7',
    examples: {
      bad: '<TechnicalProfile Id="EnableOTPAuthentication">\n  ...<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-TOTP" />\n<TechnicalProfile Id="OTPVerification">\n  ...<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-TOTP" />',
      good: '<TechnicalProfile Id="EnableOTPAuthentication">\n  ...<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-Totp-Input" />\n<TechnicalProfile Id="OTPVerification">\n  ...<UseTechnicalProfileForSessionManagement ReferenceId="SM-MFA-TOTP" />',
    },
  },
  check({ set, report }) {
    if (!usesTotpControls(set)) return;
    const finals = finalTechnicalProfiles(set, PROVIDER_CLASS.selfAsserted);
    const enrollments = finals.filter((f) => f.tp.session && isEnrollmentPage(set, f.policy, f.tp));
    const verifications = finals.filter((f) => f.tp.session && isVerificationPage(set, f.policy, f.tp));
    for (const e of enrollments) {
      const session = e.tp.session!;
      const sm = effectiveTechnicalProfile(set, e.policy, session.id);
      if (sm && handlerIs(sm, PROVIDER_CLASS.noopSso)) continue;
      const shared = verifications.filter(
        (v) => v !== e && v.tp.session!.id.toLowerCase() === session.id.toLowerCase() && (set.chain(e.policy).includes(v.policy) || set.chain(v.policy).includes(e.policy)),
      );
      if (shared.length === 0) continue;
      report({
        file: session.policy,
        at: { element: session.element, attribute: 'ReferenceId' },
        message: `Enrollment page '${e.tp.id}' shares session '${session.id}' with verification page ${shared.map((v) => `'${v.tp.id}'`).join(', ')}, so its session can skip the verification; give '${e.tp.id}' its own session technical profile (e.g. SM-MFA-Totp-Input).`,
      });
    }
  },
};
export default rule;
