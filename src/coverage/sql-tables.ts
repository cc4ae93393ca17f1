/**
 * The tables a SQL statement names after FROM, JOIN, INTO, UPDATE (and DELETE FROM), schema-qualified
 * as `public.orders` when it names none. Not a parser: enough for the statements journeys and
 * consistency rules write; a CTE's own name is left out.
 */
export function tablesOfSql(sql: string): string[] {
  const text = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''");
  const ctes = new Set(
    [...text.matchAll(/(?:\bwith(?:\s+recursive)?|,)\s+("?[\w$]+"?)\s+as\s*\(/gi)].map((m) =>
      unquote(m[1]!).toLowerCase(),
    ),
  );
  const found = new Set<string>();
  for (const match of text.matchAll(
    /\b(?:from|join|into|update)\s+((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)/gi,
  )) {
    const parts = match[1]!.split('.').map((part) => unquote(part.trim()));
    if (parts.length === 1 && ctes.has(parts[0]!.toLowerCase())) continue;
    if (/^(select|lateral|unnest|generate_series|only)$/i.test(parts[0]!)) continue;
    const [schema, table] = parts.length === 2 ? parts : ['public', parts[0]!];
    found.add(`${schema}.${table}`);
  }
  return [...found];
}

function unquote(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name.toLowerCase();
}
