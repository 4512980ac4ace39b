import type * as tfjs from '@tensorflow/tfjs';
import { TrainingError } from '../errors';
import type { Tf } from '../tensor/tfjs-runtime';

/**
 * tfjs's Adam keeps beta1^t and beta2^t in two private scalar variables, multiplied by beta once
 * per step in float32. Its setWeights rebuilds them as pow(beta, t + 1) instead, which differs in
 * the last bit for most t (beta1 = 0.9: 140 of the first 200 steps), so a resumed run drifted
 * from the uninterrupted one by up to 1e-7 per weight. They are read and written here, by name:
 * nothing public reaches them (checked with @tensorflow/tfjs 4.22).
 */
interface AdamBetaPowerVariables {
  readonly accBeta1: tfjs.Variable;
  readonly accBeta2: tfjs.Variable;
}

function betaPowerVariables(optimizer: tfjs.Optimizer): AdamBetaPowerVariables {
  const o = optimizer as unknown as Partial<Record<keyof AdamBetaPowerVariables, unknown>>;
  const isScalarVariable = (v: unknown): v is tfjs.Variable =>
    typeof v === 'object' && v !== null && typeof (v as tfjs.Variable).assign === 'function' && (v as tfjs.Variable).size === 1;
  if (!isScalarVariable(o.accBeta1) || !isScalarVariable(o.accBeta2)) {
    throw new TrainingError('this version of tfjs keeps no accBeta1/accBeta2 in its Adam optimiser, so a checkpoint cannot resume exactly (biofuse is tested with @tensorflow/tfjs 4.22)');
  }
  return { accBeta1: o.accBeta1, accBeta2: o.accBeta2 };
}

/** beta1^t and beta2^t as the optimiser holds them (float32 values, exact as numbers). */
export function adamBetaPowers(optimizer: tfjs.Optimizer): [number, number] {
  const v = betaPowerVariables(optimizer);
  return [v.accBeta1.dataSync()[0], v.accBeta2.dataSync()[0]];
}

/** Puts back what adamBetaPowers read; call it after `optimizer.setWeights`, which overwrites them. */
export function setAdamBetaPowers(tf: Tf, optimizer: tfjs.Optimizer, powers: readonly [number, number]): void {
  const v = betaPowerVariables(optimizer);
  tf.tidy(() => {
    v.accBeta1.assign(tf.scalar(powers[0]));
    v.accBeta2.assign(tf.scalar(powers[1]));
  });
}
