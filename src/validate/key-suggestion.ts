import { playbookSchema } from './playbook.validator.generated.js';
import type { DocPath } from '../load/types.js';

/** The part of a JSON Schema this walk reads. */
interface SchemaNode {
  readonly $ref?: string;
  readonly properties?: Record<string, SchemaNode>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly allOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly discriminator?: { readonly propertyName: string };
}

const root = playbookSchema as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };

function deref(node: SchemaNode): SchemaNode {
  let n = node;
  for (let i = 0; n.$ref && i < 10; i += 1) n = root.$defs[n.$ref.replace('#/$defs/', '')] ?? {};
  return n;
}

/** For a `oneOf` with a discriminator (steps), the branch the value's `kind` picks. */
function branch(node: SchemaNode, value: unknown): SchemaNode {
  const n = deref(node);
  if (!n.oneOf || !n.discriminator) return n;
  const tag = value && typeof value === 'object' ? (value as Record<string, unknown>)[n.discriminator.propertyName] : undefined;
  return deref(
    n.oneOf.find(
      (b) => deref(b).properties?.[n.discriminator!.propertyName] && (deref(b).properties![n.discriminator!.propertyName] as { const?: unknown }).const === tag,
    ) ?? {},
  );
}

/** The keys the schema allows in the object at `path` of `doc` (its own and its `allOf`'s). */
export function knownKeysAt(path: DocPath, doc: unknown): string[] {
  let node: SchemaNode = root;
  let value = doc;
  for (const seg of path) {
    node = branch(node, value);
    value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[seg] : undefined;
    if (typeof seg === 'number') node = node.items ?? {};
    else node = allProperties(node)[seg] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : {});
  }
  return Object.keys(allProperties(branch(node, value)));
}

function allProperties(node: SchemaNode): Record<string, SchemaNode> {
  const n = deref(node);
  return Object.assign({}, ...(n.allOf ?? []).map((s) => deref(s).properties ?? {}), n.properties ?? {}) as Record<string, SchemaNode>;
}

/** Edit distance with adjacent transpositions (optimal string alignment): `stpes` is one edit from `steps`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) d[0]![j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key closest to a mistyped one, when it is close enough to be the likely meaning: at most
 * two edits, and fewer than half the key's length (so `ab` never suggests `at`), case ignored.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const dist = editDistance(key.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best !== undefined && bestD <= 2 && bestD * 2 < Math.max(key.length, best.length) ? best : undefined;
}
