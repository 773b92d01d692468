import { resolve, sep } from 'node:path';
import { RunbookError, ExitCodes } from '../core/errors.js';
import { msg } from '../i18n/index.js';

/**
 * Joins a file name runbook chose to the output folder, and proves the result is inside it. Names
 * never come from the server; this is the second lock on that door.
 */
export function insideDir(dir: string, name: string): string {
  const root = resolve(dir);
  if (name.includes('/') || name.includes('\\') || name === '..' || name === '.' || name.includes('\0')) {
    throw new RunbookError('E_EXPORT_PATH', msg('error.export.badFileName', { name: JSON.stringify(name) }), ExitCodes.FAILED);
  }
  const full = resolve(root, name);
  if (!full.startsWith(root + sep)) throw new RunbookError('E_EXPORT_PATH', msg('error.export.outsideFolder', { path: full, dir: root }), ExitCodes.FAILED);
  return full;
}

/** `1000001_20261201_chat-export.xls`: channel, date (event's zone), kind. */
export function exportFileName(channelId: string, dateYmd: string, kind: string, ext: string): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');
  return `${clean(channelId)}_${clean(dateYmd)}_${clean(kind)}.${clean(ext)}`;
}

/** The extension of a server URL, only when it is one runbook expects; else the fallback. */
export function allowedExtension(url: string, allowed: readonly string[], fallback: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return fallback;
  }
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(path);
  const ext = m?.[1]?.toLowerCase();
  return ext && allowed.includes(ext) ? ext : fallback;
}
