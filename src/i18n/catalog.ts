import en from './catalogs/en.json' with { type: 'json' };
import zhCN from './catalogs/zh-CN.json' with { type: 'json' };
import type { Language } from './language.js';
import type { MessageKey } from './message.js';

/**
 * One catalog per language, nested by namespace (`diag`, `cli`, `run`, `serve`, `cluster`, `time`),
 * in ICU MessageFormat. The English catalog is the reference for the key type; a test keeps the two
 * equal in keys and in each message's parameters.
 */
export type Catalog = typeof en;
export const CATALOGS: Readonly<Record<Language, unknown>> = { en, 'zh-CN': zhCN };

/** The raw ICU text of a key, or undefined when the catalog lacks it. */
export function catalogText(lang: Language, key: MessageKey | string): string | undefined {
  let node: unknown = CATALOGS[lang];
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Every leaf key of a catalog, sorted (for the parity test and tooling). */
export function catalogKeys(catalog: unknown, prefix = ''): string[] {
  if (typeof catalog !== 'object' || catalog === null) return [];
  const keys: string[] = [];
  for (const [k, v] of Object.entries(catalog)) {
    if (typeof v === 'string') keys.push(prefix + k);
    else keys.push(...catalogKeys(v, `${prefix}${k}.`));
  }
  return keys.sort();
}
