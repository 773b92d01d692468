/**
 * Step ids: the explicit `id`, or one derived from the step's kind and its ordinal among steps of
 * that kind in the merged playbook (`message-1`, `checkin-2`). Derived ids stay stable when steps of
 * other kinds are added; give an explicit id to a step whose journal entries must survive edits.
 * A derived id never collides with an explicit one (a suffix is added).
 */
export function stepIds(steps: readonly unknown[]): string[] {
  const explicit = new Set<string>();
  for (const s of steps) {
    const id = (s as { id?: unknown } | null)?.id;
    if (typeof id === 'string') explicit.add(id);
  }
  const ordinals = new Map<string, number>();
  return steps.map((s) => {
    const step = s as { id?: unknown; kind?: unknown } | null;
    if (typeof step?.id === 'string') return step.id;
    const kind = typeof step?.kind === 'string' ? step.kind : 'step';
    let n = (ordinals.get(kind) ?? 0) + 1;
    while (explicit.has(`${kind}-${n}`)) n += 1;
    ordinals.set(kind, n);
    return `${kind}-${n}`;
  });
}
