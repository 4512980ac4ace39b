import { join, resolve } from 'node:path';
import { DatasetError, readIdentityFolders } from '@biofuse/core';
import { DECISION_THRESHOLD_REFERENCES, DuplicateEnrolmentError, identifySigner, SignatureModality, signatureDecisionThresholds, type EnrolledSigner, type SignatureTemplate, type SignatureUserModel } from '@biofuse/signature';
import { Command } from 'commander';
import { decisionFrom, decisionJson, describeDecision, thresholdOption } from '../decision';
import { integerOption } from '../options';
import { forSample } from '../named-sample';
import { formatRankedList } from '../ranked-list';
import { round } from '../round';

interface JsonFlag {
  json?: boolean;
}

interface DecisionFlags {
  fmr: string;
  threshold?: string;
}

async function templateOf(modality: SignatureModality, path: string): Promise<SignatureTemplate> {
  return forSample(path, async () => {
    const trajectory = await modality.load(path);
    // What the reader repaired (a clock stepping back a few ms) is said, not hidden.
    for (const w of trajectory.warnings) process.stderr.write(`${path}: warning: ${w}\n`);
    return modality.extract(trajectory);
  });
}

/** A writer model from reference files; copies of one signature among them are named by their files, not their places in the list. */
async function enrolFiles(modality: SignatureModality, paths: readonly string[]): Promise<SignatureUserModel> {
  const references = await Promise.all(paths.map((p) => templateOf(modality, p)));
  try {
    return modality.enrol(references);
  } catch (err) {
    if (err instanceof DuplicateEnrolmentError) throw new DuplicateEnrolmentError(err.pairs, paths);
    throw err;
  }
}

/** The score's parts, rounded for printing. */
function scoreParts(details: Readonly<Record<string, number | string>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(details ?? {})) if (typeof v === 'number') out[k] = round(v);
  return out;
}

/** `biofuse signature ...`: compare, verify against enrolment signatures, identify the writer. */
export function signatureCommand(): Command {
  const sig = new Command('signature').description('online signature verification: compare signatures, score a probe against a writer, find its writer');
  const formats = 'SVC2004 text, MCYT .fpg, JSON or CSV pen points';

  sig
    .command('compare <a> <b>')
    .description(`DTW distance of two signatures (${formats}); similarity is minus the distance`)
    .option('--json', 'print the result as JSON')
    .action(async (a: string, b: string, flags: JsonFlag) => {
      const modality = new SignatureModality();
      const score = modality.compare(await templateOf(modality, a), await templateOf(modality, b));
      const result = { a, b, similarity: round(score.similarity), distance: round(score.distance ?? -score.similarity) };
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `similarity ${result.similarity} (DTW distance ${result.distance})\n`);
    });

  sig
    .command('verify <probe> <references...>')
    .description('score a probe against the writer model made from the reference signatures (higher = closer to the writer; 5 references as in SVC2004) and decide')
    .option('--fmr <rate>', 'decide at the shipped threshold that accepts this share of skilled forgeries: 0.1, 0.05 or 0.01', '0.05')
    .addOption(thresholdOption('decide at this similarity instead'))
    .option('--json', 'print the result as JSON')
    .action(async (probe: string, references: string[], flags: JsonFlag & DecisionFlags) => {
      const decision = decisionFrom(flags, signatureDecisionThresholds());
      const modality = new SignatureModality();
      const model = await enrolFiles(modality, references);
      const score = modality.compareEnrolled(model, await templateOf(modality, probe));
      const accepted = score.similarity >= decision.threshold;
      // The shipped thresholds were measured with a fixed number of references; another number moves the scores.
      const expected = DECISION_THRESHOLD_REFERENCES;
      const warning = decision.targetFmr !== null && references.length !== expected ? `the shipped thresholds assume ${expected} references, not ${references.length}` : undefined;
      const result = { probe, references: references.length, similarity: round(score.similarity), accepted, ...decisionJson(decision), ...scoreParts(score.details), ...(warning ? { warning } : {}) };
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `similarity ${result.similarity} against ${references.length} reference(s): ${accepted ? 'accepted as the writer\'s' : 'rejected'} (${describeDecision(decision)}${warning ? `; ${warning}` : ''})\n`,
      );
    });

  sig
    .command('identify <probe>')
    .description('1:N: rank writers, each enrolled from the signature files in their own sub-folder of --writers')
    .requiredOption('--writers <dir>', 'one sub-folder per writer (its name is the identity) holding their enrolment signatures')
    .option('-k, --top <k>', 'candidates to return', '5')
    .option('--fmr <rate>', 'mark candidates at or above the shipped threshold for this skilled-forgery acceptance: 0.1, 0.05 or 0.01', '0.05')
    .addOption(thresholdOption('mark candidates at or above this similarity instead'))
    .option('--json', 'print the candidates as JSON (with the parts of each score and the search\'s counts)')
    .action(async (probe: string, flags: { writers: string; top: string } & JsonFlag & DecisionFlags) => {
      const decision = decisionFrom(flags, signatureDecisionThresholds());
      const k = integerOption('-k', flags.top, 1);
      const modality = new SignatureModality();
      const enrolled = await enrolWriters(modality, resolve(flags.writers));
      const found = identifySigner(await templateOf(modality, probe), enrolled, modality.params, k);
      // As for verify: the shipped thresholds were measured with a fixed number of references.
      const expected = DECISION_THRESHOLD_REFERENCES;
      const others = enrolled.filter((w) => w.model.references.length !== expected).map((w) => `${w.id} (${w.model.references.length})`);
      const warning = decision.targetFmr !== null && others.length > 0 ? `the shipped thresholds assume ${expected} references a writer; these have other counts: ${others.join(', ')}` : undefined;
      if (warning) process.stderr.write(`warning: ${warning}\n`);
      const candidates = found.candidates.map((c) => ({ writer: c.id, similarity: round(c.score.similarity), accepted: c.score.similarity >= decision.threshold, ...scoreParts(c.score.details) }));
      const search = { writers: enrolled.length, writersScored: found.usersScored, alignments: found.dtwRuns, abandonedEarly: found.dtwAbandoned };
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ probe, ...decisionJson(decision), candidates, search, ...(warning ? { warning } : {}) }, null, 2)}\n`
          : formatRankedList(probe, `accepted at ${describeDecision(decision)}`, candidates.map((c) => ({ identity: c.writer, similarity: c.similarity, accepted: c.accepted }))),
      );
    });
  return sig;
}

/** A writer model per sub-folder of `dir` (readIdentityFolders), from every file in it; a file that cannot be read stops the command with its name. */
async function enrolWriters(modality: SignatureModality, dir: string): Promise<EnrolledSigner<string>[]> {
  const listing = await readIdentityFolders(dir);
  const empty = listing.skipped.find((s) => s.reason === 'no samples');
  if (empty) throw new DatasetError(`writer "${empty.path.slice(0, -1)}" has no signature files in ${join(dir, empty.path)}`);
  const files = new Map<string, string[]>();
  for (const s of listing.samples) files.set(s.subject, [...(files.get(s.subject) ?? []), s.path]);
  if (files.size === 0) throw new DatasetError(`${dir} has no writer sub-folders with signature files`);
  const enrolled: EnrolledSigner<string>[] = [];
  for (const [id, paths] of files) {
    enrolled.push({ id, model: await enrolFiles(modality, paths.map((p) => join(dir, p))) });
  }
  return enrolled;
}
