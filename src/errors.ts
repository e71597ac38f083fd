/** A problem with what the user asked for (exit 2), as opposed to a problem inside a file (a diagnostic). */
export class UsageError extends Error {}

/** b2c-totp.config.json (or appsettings.json) cannot be read or is invalid (exit 2). */
export class ConfigError extends Error {}
