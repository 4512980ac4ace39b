import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '@biofuse/core';
import { checkThresholdTable, type FaceModelCard, type ThresholdTable } from './embed/card';
import { loadModelCard, modelCardPath, modelFiles } from './embed/registry';

/** One member of a (possibly single-model) embedding configuration. */
export interface ModelMember {
  readonly card: FaceModelCard;
  /** Relative weight of this model's cosine in the fused cosine; weights are normalised to sum 1 (members of weight 0 are left out). */
  readonly weight: number;
}

/**
 * An ensemble card: several embedding models whose embeddings are fused at feature level
 * (weighted concatenation), with thresholds calibrated for the fused score.
 */
export interface EnsembleCard {
  readonly name: string;
  readonly description: string;
  readonly members: readonly { readonly model: string; readonly weight: number }[];
  readonly weightsProvenance?: string;
  readonly thresholds?: ThresholdTable;
}

export type ModelChoice = string | { readonly model: string; readonly weight?: number };

export interface ResolvedModels {
  readonly id: string;
  readonly members: readonly ModelMember[];
  readonly thresholds?: ThresholdTable;
  /** The card file calibration writes to. */
  readonly cardPath?: string;
}

/** Turns `models` (a model, an ensemble card, or a list with weights) into loaded cards. */
export async function resolveModels(models: string | readonly ModelChoice[]): Promise<ResolvedModels> {
  if (typeof models === 'string') {
    const ensemblePath = ensembleCardPath(models);
    if (ensemblePath) {
      const card = await readEnsembleCard(ensemblePath);
      const members = await loadMembers(card.members);
      return { id: card.name, members, thresholds: card.thresholds, cardPath: ensemblePath };
    }
    const card = await loadModelCard(models);
    return {
      id: card.name,
      members: [{ card, weight: 1 }],
      thresholds: card.thresholds,
      cardPath: modelCardPath(models),
    };
  }
  if (models.length === 0) throw new ConfigError('face models: give at least one model');
  const list = models.map((m) => (typeof m === 'string' ? { model: m, weight: 1 } : { model: m.model, weight: m.weight ?? 1 }));
  // One model left (alone, or beside models of weight 0) is that model: its id and calibrated
  // thresholds, not a one-member ensemble's.
  const weighted = weightedMembers(list);
  if (weighted.length === 1) return resolveModels(weighted[0].model);
  const members = await loadMembers(list);
  return { id: members.map((m) => `${m.card.name}*${round(m.weight)}`).join('+'), members };
}

/**
 * The members of weight above 0, once the weights are checked. A member of weight 0 adds nothing
 * to the fused embedding (a slice of zeros): it is not loaded or run. Run, it cost its time, and
 * its failure (a missing file, a face it gave no embedding for) failed the ensemble it
 * contributed nothing to.
 */
function weightedMembers<M extends { readonly weight: number }>(list: readonly M[]): M[] {
  const total = list.reduce((s, m) => s + m.weight, 0);
  if (!(total > 0) || list.some((m) => !(m.weight >= 0))) throw new ConfigError('face models: weights must be non-negative and not all zero');
  return list.filter((m) => m.weight > 0);
}

async function loadMembers(list: readonly { model: string; weight: number }[]): Promise<ModelMember[]> {
  const weighted = weightedMembers(list);
  const total = weighted.reduce((s, m) => s + m.weight, 0);
  const out: ModelMember[] = [];
  for (const m of weighted) out.push({ card: await loadModelCard(m.model), weight: m.weight / total });
  return out;
}

function round(w: number): string {
  return String(Math.round(w * 1000) / 1000);
}

function ensembleCardPath(name: string): string | undefined {
  if (!name.endsWith('.json') || !existsSync(name)) return undefined;
  try {
    return Array.isArray((JSON.parse(readFileSync(name, 'utf8')) as { members?: unknown }).members) ? name : undefined;
  } catch {
    return undefined; // not JSON: loadModelCard reports it
  }
}

/**
 * Reads and checks an ensemble card as model cards are checked: a member without a model name
 * was an internal TypeError, a weight of "1" was concatenated into the total (every cosine
 * scaled by 2/11), a missing name made every nameless ensemble share one model id, and a
 * threshold of 5 decided every pair alike.
 */
async function readEnsembleCard(path: string): Promise<EnsembleCard> {
  const json = JSON.parse(await readFile(path, 'utf8')) as EnsembleCard;
  const fail = (field: string): never => {
    throw new ConfigError(`${path}: missing or invalid "${field}"`);
  };
  if (typeof json.name !== 'string' || json.name === '') fail('name');
  if (!Array.isArray(json.members) || json.members.length === 0) throw new ConfigError(`${path}: an ensemble card needs "members"`);
  json.members.forEach((m: unknown, i) => {
    const member = m as { model?: unknown; weight?: unknown } | null;
    if (typeof member !== 'object' || member === null || typeof member.model !== 'string' || member.model === '') fail(`members.${i}.model`);
    const weight = (member as { weight?: unknown }).weight;
    if (!(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) fail(`members.${i}.weight (a number >= 0)`);
  });
  checkThresholdTable(json.thresholds, fail);
  return json;
}

/**
 * The files a choice of models is made of beyond what biofuse ships (see modelFiles): an
 * ensemble card and its members' files, or each listed model's.
 */
export async function faceModelFiles(models: string | readonly ModelChoice[]): Promise<string[]> {
  // Members of weight 0 are not loaded (loadMembers): none of their files make an embedding.
  const names = typeof models === 'string' ? [models] : models.filter((m) => typeof m === 'string' || m.weight !== 0).map((m) => (typeof m === 'string' ? m : m.model));
  const files: string[] = [];
  for (const name of names) {
    const ensemble = ensembleCardPath(name);
    if (!ensemble) {
      files.push(...(await modelFiles(name)));
      continue;
    }
    files.push(ensemble);
    for (const member of (await readEnsembleCard(ensemble)).members) if (member.weight > 0) files.push(...(await modelFiles(member.model)));
  }
  return files;
}
