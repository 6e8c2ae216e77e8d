// Fuzzy matching for the prompt picker: every query character must appear
// in order; contiguous runs, word starts and title hits score higher.

export function fuzzyScore(query: string, text: string): number {
  const q = query.toLowerCase().replace(/\s+/g, "");
  if (!q) return 1;
  const t = text.toLowerCase();
  const direct = t.indexOf(q);
  if (direct >= 0) return 1000 - direct + (direct === 0 ? 500 : 0);
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    const found = t.indexOf(ch, ti);
    if (found < 0) return 0;
    run = found === ti ? run + 1 : 0;
    const wordStart = found === 0 || /[\s\-_/.,，。]/.test(t[found - 1]);
    score += 10 + run * 5 + (wordStart ? 8 : 0) - Math.min(9, found - ti);
    ti = found + 1;
  }
  return Math.max(1, score);
}

export interface Searchable {
  title: string;
  content: string;
}

/** Best matches first; `mine` (the user's own) rank above built-ins at equal relevance bands. */
export function searchPrompts<T extends Searchable>(query: string, mine: T[], builtin: T[], limit = 30): T[] {
  const rank = (list: T[], bonus: number) =>
    list
      .map((p) => ({ p, s: Math.max(fuzzyScore(query, p.title) * 2, fuzzyScore(query, p.content)) }))
      .filter((x) => x.s > 0)
      .map((x) => ({ p: x.p, s: x.s + bonus }));
  return [...rank(mine, 100_000), ...rank(builtin, 0)]
    .sort((a, b) => b.s - a.s)
    .slice(0, limit)
    .map((x) => x.p);
}
