import { simulateMultimodalScores } from '@biofuse/core';
import type { SimulatedScoresSourceConfig } from '../config/schema';
import type { ComparisonScores } from './comparison-scores';

/** The seeded multimodal score simulator as a source: subject ids are `s<index>`. */
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
  for (let i = 0; i < n; i++) {
    probe[i] = `s${sim.probe[i]}`;
    reference[i] = `s${sim.reference[i]}`;
    kind[i] = sim.label[i] ? 'genuine' : 'impostor';
  }
  const systems = cfg.modalities.map((m, j) => ({
    name: m.name,
    scores: sim.scores[j],
    errors: Array.from(sim.scores[j], (s) => (Number.isNaN(s) ? 'simulated failure to acquire' : undefined)),
  }));
  return { probe, reference, probeSubject: probe, referenceSubject: reference, label: sim.label, kind, systems, skipped: [], dataFiles: [] };
}
