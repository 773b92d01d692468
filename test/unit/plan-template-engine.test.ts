import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { renderTemplate, stringAppendingCompiler, TemplateProblem } from '../../src/template/engine.js';
import { dateHelpers } from '../../src/template/helpers.js';

/** Handlebars configured as runbook's engine is, compiling each template whole. */
const plain = Handlebars.create();
(plain as unknown as { JavaScriptCompiler: unknown }).JavaScriptCompiler = stringAppendingCompiler(
  (plain as unknown as { JavaScriptCompiler: Parameters<typeof stringAppendingCompiler>[0] }).JavaScriptCompiler,
);
for (const [name, fn] of Object.entries(dateHelpers())) plain.registerHelper(name, fn);
const whole = (text: string, context: object, zone: string): string =>
  plain.compile(text, { strict: true, noEscape: true, knownHelpers: { date: true, time: true, datetime: true, add: true } })(context, {
    data: { zone },
    allowProtoPropertiesByDefault: false,
    allowProtoMethodsByDefault: false,
  });
const outcome = (f: () => string): { ok: string } | { error: true } => {
  try {
    return { ok: f() };
  } catch {
    return { error: true };
  }
};

const context = {
  course: '数据 101',
  lesson: 3,
  on: true,
  off: false,
  event: { start: '2030-12-01T19:30', timezone: 'Asia/Shanghai' },
  channels: { main: '1000001' },
};
const pieces = [
  'A',
  ' ',
  '\n',
  '第 ',
  '{',
  '}',
  '{{course}}',
  '{{lesson}}',
  '{{~course~}}',
  '{{{course}}}',
  '{{time event.start}}',
  '{{date event.start "MM/dd"}}',
  '{{add event.start "-5m" "HH:mm"}}',
  '{{channels.main}}',
  '{{!-- note --}}',
  '{{! note }}',
  '\\{{course}}',
  '{{nope}}',
  '{{#if on}}yes{{/if}}',
  '{{#if off}}x{{else}}no{{/if}}',
  '{{#unless off}}u{{/unless}}',
  '{{event.start}}',
  '  {{~lesson}}  ',
  '{{lookup channels "main"}}',
  '{{date}}',
  '\\',
  '~',
  '5~10 分钟',
  '{{{',
  '}}}',
  '}}',
  '{{',
  '{{ course }}',
  '{{add event.start "1m" "HH}}"}}',
  '{{else}}',
  '{{& course}}',
  '{{ #if on}}',
  '"',
  "'",
  '{{course "x}}',
];

describe('the template engine renders a flat template exactly as handlebars does', () => {
  it('same output, or an error in both, for templates built from expressions, text, comments and blocks', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        const ours = outcome(() => renderTemplate(text, context, 'Asia/Shanghai'));
        const theirs = outcome(() => whole(text, context, 'Asia/Shanghai'));
        expect(ours, JSON.stringify(text)).toEqual(theirs);
      }),
      { numRuns: 2000 },
    );
  });

  it('adjacent numbers and truth values are joined as text, never added', () => {
    const ctx = { a: 3, b: 4, t: true, on: true };
    for (const [text, want] of [
      ['{{a}}{{b}}', '34'],
      ['{{t}}{{t}}', 'truetrue'],
      ['{{#if on}}{{a}}{{b}}{{/if}}', '34'],
      ['x{{a}}{{b}}', 'x34'],
      ['{{a}}{{~b}}', '34'],
    ] as const) {
      expect(renderTemplate(text, ctx, 'UTC'), text).toBe(want);
    }
  });

  it('reports problems as TemplateProblem', () => {
    expect(() => renderTemplate('a {{nope}} b', context, 'UTC')).toThrow(TemplateProblem);
    expect(() => renderTemplate('a {{#if}} b', context, 'UTC')).toThrow(TemplateProblem);
  });
});
