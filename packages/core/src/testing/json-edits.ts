/**
 * Walking and editing a JSON document, for the fuzz tests that damage one value of a stored
 * model or a config at a time: the places to damage, and a copy with one of them changed.
 */

/** A value as JSON.parse gives it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where a value sits in a document: the keys and list indices from the root. */
export type JsonPath = (string | number)[];

/** Every value inside `root` with its path, each before the values inside it (the root itself is not one). */
export function jsonEntries(root: Json): { path: JsonPath; value: Json }[] {
  const inside = (value: Json, at: JsonPath): { path: JsonPath; value: Json }[] => {
    if (Array.isArray(value)) return value.flatMap((x, i) => [{ path: [...at, i], value: x }, ...inside(x, [...at, i])]);
    if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, x]) => [{ path: [...at, k], value: x }, ...inside(x, [...at, k])]);
    return [];
  };
  return inside(root, []);
}

/** A deep copy of `root` with `edit` applied where `path` leads: given the value's parent and key, it may replace, change or delete it. */
export function editedJson(root: Json, path: JsonPath, edit: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  const copy = JSON.parse(JSON.stringify(root)) as Json;
  const parent = path.slice(0, -1).reduce<Json>((node, k) => (node as Record<string | number, Json>)[k], copy) as Record<string | number, Json>;
  edit(parent, path[path.length - 1]);
  return copy;
}
