import { simulateMultimodalScores } from '@biofuse/core';
import type { SimulatedScoresSourceConfig } from '../config/schema';
import type { ComparisonScores, SimulatedData } from './comparison-scores';

/** The seeded multimodal score simulator as a source: subject ids are `s<index>`; the k-th of several genuine probes of a subject is `s<index>#<k>`. */
export function simulatedSource(cfg: SimulatedScoresSourceConfig, seed: number): ComparisonScores {
  const sim = simulateMultimodalScores({
    seed,
    subjects: cfg.subjects,
    impostorsPerSubject: cfg.impostorsPerSubject,
    genuinePerSubject: cfg.genuinePerSubject,
    modalities: cfg.modalities,
    genuineCorrelation: cfg.genuineCorrelation?.flat(),
    impostorCorrelation: cfg.impostorCorrelation?.flat(),
  });
  const n = sim.label.length;
  const probe: string[] = new Array(n);
  const reference: string[] = new Array(n);
  const kind: string[] = new Array(n);
  const probeSubject: string[] = new Array(n);
  // Several genuine comparisons of a subject are different probe samples: name them apart, so
  // (probe, reference) stays a unique key (scores.csv joins on it).
  const genuineSeen = new Map<number, number>();
  const several = (cfg.genuinePerSubject ?? 1) > 1;
  for (let i = 0; i < n; i++) {
    probeSubject[i] = `s${sim.probe[i]}`;
    const k = sim.label[i] && several ? (genuineSeen.get(sim.probe[i]) ?? 0) + 1 : 0;
    if (k) genuineSeen.set(sim.probe[i], k);
    probe[i] = k ? `s${sim.probe[i]}#${k}` : probeSubject[i];
    reference[i] = `s${sim.reference[i]}`;
    kind[i] = sim.label[i] ? 'genuine' : 'impostor';
  }
  const systems = cfg.modalities.map((m, j) => ({
    name: m.name,
    scores: sim.scores[j],
    errors: Array.from(sim.scores[j], (s) => (Number.isNaN(s) ? 'simulated failure to acquire' : undefined)),
  }));
  return { probe, reference, probeSubject, referenceSubject: reference, label: sim.label, kind, systems, skipped: [], dataFiles: [], simulated: [simulationRecord(cfg, seed)] };
}

/** What the manifest says of the simulation (SimulatedData): the settings as the simulator took them, with its defaults. */
function simulationRecord(cfg: SimulatedScoresSourceConfig, seed: number): SimulatedData {
  const m = cfg.modalities.length;
  const identity = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
  return {
    simulator: 'simulateMultimodalScores',
    seed,
    subjects: cfg.subjects,
    impostorsPerSubject: cfg.impostorsPerSubject,
    genuinePerSubject: cfg.genuinePerSubject ?? 1,
    modalities: cfg.modalities.map((mod) => ({ name: mod.name, genuine: mod.genuine, impostor: mod.impostor, failureRate: mod.failureRate, userSpread: mod.userSpread ?? 0 })),
    genuineCorrelation: cfg.genuineCorrelation ?? identity,
    impostorCorrelation: cfg.impostorCorrelation ?? identity,
  };
}
