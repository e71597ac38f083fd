import { createRequire } from 'node:module';

declare const __B2C_TOTP_VERSION__: string | undefined;

/** Inlined by the bundler; read from package.json when running from source (tests). */
export const VERSION: string =
  typeof __B2C_TOTP_VERSION__ === 'string' ? __B2C_TOTP_VERSION__ : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
