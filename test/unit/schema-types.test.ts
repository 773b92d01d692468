import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { generate } from '../../scripts/gen-types.mjs';
import { loadPlaybook } from '../../src/load/load-playbook.js';
import { schemaDiagnostics } from '../../src/validate/schema-diagnostics.js';
import schema from '../../schemas/playbook.schema.json' with { type: 'json' };

const ROOT = join(import.meta.dirname, '..', '..');

describe('the schema is the one source of truth', () => {
  it('the generated TypeScript types are up to date (npm run gen:types)', async () => {
    const fresh = (await (generate as () => Promise<string>)()) as string;
    expect(readFileSync(join(ROOT, 'src', 'load', 'playbook.generated.ts'), 'utf8')).toBe(fresh);
  });

  it('the standalone validator is up to date (npm run gen:types)', async () => {
    // @ts-expect-error: a plain ESM script without types
    const { generateValidator } = (await import('../../scripts/gen-validator.mjs')) as { generateValidator: () => string };
    expect(readFileSync(join(ROOT, 'src', 'validate', 'playbook.validator.generated.ts'), 'utf8')).toBe(generateValidator());
  });

  it('is draft 2020-12 with an $id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/^https:\/\//);
  });

  it('every example carries the schema modeline', () => {
    for (const dir of ['lessons', 'templates', 'invalid']) {
      for (const f of readdirSync(join(ROOT, 'examples', dir)).filter((n: string) => n.endsWith('.yaml'))) {
        expect(readFileSync(join(ROOT, 'examples', dir, f), 'utf8').split('\n')[0], `${dir}/${f}`).toBe(
          '# yaml-language-server: $schema=../../schemas/playbook.schema.json',
        );
      }
    }
  });

  it('merges a lesson over its template: vars, event fields, steps replaced by id in place', () => {
    const r = loadPlaybook(join(ROOT, 'examples/lessons/lesson-01-intro.yaml'), { checkFile: schemaDiagnostics, displayBase: ROOT });
    expect(r.diagnostics).toEqual([]);
    const doc = r.loaded!.doc;
    expect(doc.event).toMatchObject({ timezone: 'Asia/Shanghai', start: '2027-03-02T19:30', duration: '25s' });
    const ids = (doc.steps ?? []).map((s) => s.id);
    expect(ids.slice(0, 4)).toEqual(['welcome', 'chat-export', 'history', 'report']);
    // The replaced step keeps its place but comes from the lesson file, and is located there.
    expect(r.loaded!.source.locate(['steps', 1, 'at'])).toMatchObject({ file: 'examples/lessons/lesson-01-intro.yaml' });
    expect(r.loaded!.source.locate(['steps', 0, 'text'])).toMatchObject({ file: 'examples/templates/course.yaml' });
    expect(r.loaded!.params['lesson']).toMatchObject({ type: 'integer', required: true });
  });
});
