// Categories as a tree, flattened in display order (each parent followed by its children,
// siblings by name) with their depth and full path, for lists and <select>s.

export interface CategoryNode {
  id: number;
  name: string;
  parentId: number | null;
  depth: number;
  /** "Drinks › Soft drinks" */
  path: string;
}

export function flattenTree(rows: ReadonlyArray<{ id: number; name: string; parentId: number | null }>): CategoryNode[] {
  const byParent = new Map<number | null, Array<(typeof rows)[number]>>();
  const ids = new Set(rows.map((r) => r.id));
  for (const row of rows) {
    // A parent that is missing (should not happen) shows the row at the top level.
    const parent = row.parentId !== null && ids.has(row.parentId) ? row.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), row]);
  }
  const out: CategoryNode[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number, prefix: string) => {
    const children = (byParent.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
    for (const child of children) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      const path = prefix ? `${prefix} › ${child.name}` : child.name;
      out.push({ id: child.id, name: child.name, parentId: child.parentId, depth, path });
      walk(child.id, depth + 1, path);
    }
  };
  walk(null, 0, '');
  return out;
}

/** Ids of `id` and everything below it: what cannot become its parent. */
export function subtreeIds(nodes: readonly CategoryNode[], id: number): Set<number> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of nodes) {
      if (n.parentId !== null && out.has(n.parentId) && !out.has(n.id)) {
        out.add(n.id);
        grew = true;
      }
    }
  }
  return out;
}
