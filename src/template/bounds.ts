/**
 * Bounds on templating, so that every input inside the file-size bound renders in bounded time and
 * memory (the file, alias and nesting bounds are in src/load/yaml-file.ts).
 */
export const TemplateBounds = Object.freeze({
  /** Characters one rendered string may hold (a chat message is at most ~1100 characters). */
  maxRenderedString: 64 * 1024,
  /** Characters all rendered strings of one playbook may hold together. */
  maxRenderedFile: 8 * 1024 * 1024,
  /** How deeply blocks (`{{#if}}`, `{{#each}}`, `{{else if}}`) and subexpressions may nest in one template. */
  maxDepth: 32,
});
