import { Help, type Argument, type HelpConfiguration, type Option } from 'commander';
import { displayWidth, list, t, type Language } from '../i18n/index.js';

/**
 * commander's help in runbook's language. commander writes its own words ("Usage:", "Options:",
 * "[options]", "(default: …)") in English; these overrides put the catalog's in their place, measure
 * text in terminal columns (a Chinese character takes two) and wrap Chinese, which has no spaces to
 * break at, between characters. The descriptions themselves come from the catalog where each
 * command is defined.
 */
export function localizedHelp(lang: Language): HelpConfiguration {
  const titles: Readonly<Record<string, string>> = {
    'Usage:': t(lang, 'cli.help.title.usage'),
    'Arguments:': t(lang, 'cli.help.title.arguments'),
    'Options:': t(lang, 'cli.help.title.options'),
    'Global Options:': t(lang, 'cli.help.title.globalOptions'),
    'Commands:': t(lang, 'cli.help.title.commands'),
  };
  const words: Readonly<Record<string, string>> = {
    '[options]': t(lang, 'cli.help.word.options'),
    '[command]': t(lang, 'cli.help.word.command'),
  };
  const word = (s: string): string => words[s] ?? s;
  return {
    // Subcommands list the program's options too (`--lang` is accepted on every command).
    showGlobalOptions: true,
    styleTitle: (s) => titles[s] ?? s,
    styleOptionText: word,
    styleSubcommandText: word,
    styleArgumentText: word,
    styleCommandText: word,
    displayWidth: (s) => displayWidth(s),
    optionDescription: (o) => describe(lang, o.description, optionExtras(lang, o)),
    argumentDescription: (a) => describe(lang, a.description, argumentExtras(lang, a)),
    formatHelp(this: Help, cmd, helper): string {
      // commander puts a space after the title; a full-width colon (用法：) already spaces it.
      const text = Help.prototype.formatHelp.call(this, cmd, helper);
      const usage = titles['Usage:']!;
      return usage.endsWith('：') && text.startsWith(`${usage} `) ? usage + text.slice(usage.length + 1) : text;
    },
    boxWrap(this: Help, s: string, width: number): string {
      return width < this.minWidthToWrap ? s : wrapText(s, width);
    },
  };
}

function optionExtras(lang: Language, o: Option): string[] {
  const extras: string[] = [];
  if (o.argChoices) extras.push(t(lang, 'cli.help.extra.choices', { choices: o.argChoices.map((c) => JSON.stringify(c)).join(', ') }));
  // As commander: a default is shown for options that take a value (an empty list says nothing).
  const shown = o.required || o.optional || (o.isBoolean() && typeof o.defaultValue === 'boolean');
  if (o.defaultValue !== undefined && shown && !(Array.isArray(o.defaultValue) && o.defaultValue.length === 0))
    extras.push(t(lang, 'cli.help.extra.default', { value: o.defaultValueDescription ?? JSON.stringify(o.defaultValue) }));
  return extras;
}

function argumentExtras(lang: Language, a: Argument): string[] {
  const extras: string[] = [];
  if (a.argChoices) extras.push(t(lang, 'cli.help.extra.choices', { choices: a.argChoices.map((c) => JSON.stringify(c)).join(', ') }));
  if (a.defaultValue !== undefined) extras.push(t(lang, 'cli.help.extra.default', { value: a.defaultValueDescription ?? JSON.stringify(a.defaultValue) }));
  return extras;
}

function describe(lang: Language, description: string, extras: readonly string[]): string {
  if (extras.length === 0) return description;
  const extra = t(lang, 'cli.help.extra.parenthesized', { extras: list(extras) });
  return description ? t(lang, 'cli.help.extra.withDescription', { description, extra }) : extra;
}

/** One CJK character, or a run of anything else up to a space — each with the closing punctuation that must stay on its line. */
// i18n-exempt: punctuation the wrapper keeps on its line, not text
const CLOSING = '，。：；、）」』”》！？';
const CJK = '\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f';
// i18n-exempt: opening punctuation, not text
const CHUNK = new RegExp(`\\s*(?:[（「『“《]*[${CJK}]|[^\\s${CJK}]+)[${CLOSING}]*`, 'gu');

/** Wraps at spaces, and between Chinese characters, to `width` columns; existing line breaks stay. */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const chunks = raw.match(CHUNK);
    if (!chunks) {
      out.push('');
      continue;
    }
    let line = chunks[0]!;
    for (const chunk of chunks.slice(1)) {
      if (displayWidth(line) + displayWidth(chunk) <= width) line += chunk;
      else {
        out.push(line);
        line = chunk.trimStart();
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

/**
 * commander's own error lines (`error: unknown option '--x'`) in runbook's language. commander has
 * no catalog of its own: its messages are matched here by their fixed English form (commander 14);
 * one this table does not know is shown as commander wrote it.
 */
export function localizedCommanderError(text: string, lang: Language): string {
  if (lang === 'en') return text;
  const [first = '', ...rest] = text.replace(/\n$/, '').split('\n');
  const line = commanderLine(first, lang) ?? first;
  const tail = rest.map((r) => {
    const m = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(r);
    return m ? t(lang, 'cli.help.error.didYouMean', { names: m[1]! }) : r;
  });
  return `${[line, ...tail].join('\n')}\n`;
}

function commanderLine(line: string, lang: Language): string | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^error: unknown option '(.+)'$/.exec(line))) return t(lang, 'cli.help.error.unknownOption', { flag: m[1]! });
  if ((m = /^error: unknown command '(.+)'$/.exec(line))) return t(lang, 'cli.help.error.unknownCommand', { name: m[1]! });
  if ((m = /^error: missing required argument '(.+)'$/.exec(line))) return t(lang, 'cli.help.error.missingArgument', { name: m[1]! });
  if ((m = /^error: option '(.+)' argument missing$/.exec(line))) return t(lang, 'cli.help.error.optionArgumentMissing', { flags: m[1]! });
  if ((m = /^error: required option '(.+)' not specified$/.exec(line))) return t(lang, 'cli.help.error.requiredOption', { flags: m[1]! });
  if ((m = /^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/.exec(line)))
    return t(lang, 'cli.help.error.excessArguments', { command: m[1] ?? 'runbook', expected: Number(m[2]), received: Number(m[3]) });
  return undefined;
}
