import { DatasetError, seededRandom } from '@biofuse/core';
import type { ComparisonScores, ResolvedPipeline, SystemScores } from './comparison-scores';

/** Which real subject of each source stands for each virtual person. */
export interface ChimericAssignment {
  readonly persons: number;
  /** source name -> real subject id of virtual person i (index i). */
  readonly subjects: Readonly<Record<string, readonly string[]>>;
}

/**
 * Chimeric (virtual) subjects, the standard practice when no true multimodal dataset exists:
 * the subjects of each single-modality source are shuffled (seeded) and the i-th of every
 * source together make virtual person i, as many persons as the smallest source has subjects.
 * A virtual comparison (u, w) takes, from every source, one comparison between the real
 * subjects standing for u and w with the right ground truth (genuine when u = w), and exists
 * only when every source has one. Comparisons whose impostor is not a known other subject
 * (skilled forgeries: the forger is nobody in the dataset) cannot be mapped and are left out.
 */
export function buildChimeric(sources: readonly { name: string; data: ComparisonScores }[], seed: number): { data: ComparisonScores; assignment: ChimericAssignment } {
  const rng = seededRandom(seed);
  const perSource = sources.map(({ name, data }) => {
    const byPair = new Map<string, number[]>();
    const subjects = new Set<string>();
    for (let i = 0; i < data.label.length; i++) {
      const a = data.probeSubject[i];
      const b = data.referenceSubject[i];
      // Usable: a genuine comparison of one subject, or an impostor one between two subjects.
      if ((data.label[i] === 1) !== (a === b)) continue;
      subjects.add(a);
      subjects.add(b);
      const key = `${a}\u0000${b}`;
      const list = byPair.get(key) ?? [];
      list.push(i);
      byPair.set(key, list);
    }
    const order = rng.shuffle([...subjects].sort());
    return { name, data, byPair, order };
  });
  const persons = Math.min(...perSource.map((s) => s.order.length));
  if (persons < 2) throw new DatasetError(`chimeric subjects need at least 2 subjects in every source; ${perSource.find((s) => s.order.length < 2)?.name} has ${Math.min(...perSource.map((s) => s.order.length))}`);

  const rows: { u: number; w: number; picks: number[] }[] = [];
  for (let u = 0; u < persons; u++) {
    for (let w = 0; w < persons; w++) {
      const candidates = perSource.map((s) => s.byPair.get(`${s.order[u]}\u0000${s.order[w]}`) ?? []);
      const count = Math.min(...candidates.map((c) => c.length));
      if (count === 0) continue;
      // Pair the sources' comparisons in a seeded order, as many as the scarcest source has.
      const shuffled = candidates.map((c) => rng.shuffle([...c]));
      for (let k = 0; k < count; k++) rows.push({ u, w, picks: shuffled.map((c) => c[k]) });
    }
  }
  // Each source's pipelines, under the names its systems take here.
  const pipelines: ResolvedPipeline[] = perSource.flatMap((s) => {
    const names = chimericSystemNames(s.name, s.data.systems.map((sys) => sys.name));
    return (s.data.pipelines ?? []).map((p) => ({ ...p, system: names[s.data.systems.findIndex((sys) => sys.name === p.system)] ?? `${s.name}:${p.system}` }));
  });
  const systems: SystemScores[] = perSource.flatMap((s, j) => {
    const names = chimericSystemNames(s.name, s.data.systems.map((sys) => sys.name));
    return s.data.systems.map((sys, k) => ({
      name: names[k],
      scores: Float64Array.from(rows, (r) => sys.scores[r.picks[j]]),
      errors: rows.map((r) => sys.errors[r.picks[j]]),
      ...(sys.quality ? { quality: Float64Array.from(rows, (r) => (sys.quality as Float64Array)[r.picks[j]]) } : {}),
    }));
  });
  const person = (i: number) => `v${i + 1}`;
  const probe = rows.map((r) => person(r.u));
  const reference = rows.map((r) => person(r.w));
  const data: ComparisonScores = {
    probe,
    reference,
    probeSubject: probe,
    referenceSubject: reference,
    label: Uint8Array.from(rows, (r) => (r.u === r.w ? 1 : 0)),
    kind: rows.map((r) => (r.u === r.w ? 'genuine' : 'impostor')),
    systems,
    skipped: perSource.flatMap((s) => s.data.skipped),
    dataFiles: perSource.flatMap((s) => s.data.dataFiles),
    ...(perSource.some((s) => s.data.generated) ? { generated: perSource.flatMap((s) => s.data.generated ?? []) } : {}),
    ...(perSource.some((s) => s.data.simulated) ? { simulated: perSource.flatMap((s) => s.data.simulated ?? []) } : {}),
    ...(pipelines.length > 0 ? { pipelines } : {}),
  };
  const subjects: Record<string, string[]> = {};
  for (const s of perSource) subjects[s.name] = s.order.slice(0, persons);
  return { data, assignment: { persons, subjects } };
}

/**
 * The names a chimeric run gives a source's systems: the source's own name for its one system,
 * `source:system` for each of several. The config check names them before the data is read.
 */
export function chimericSystemNames(source: string, systems: readonly string[]): string[] {
  return systems.length === 1 ? [source] : systems.map((x) => `${source}:${x}`);
}
