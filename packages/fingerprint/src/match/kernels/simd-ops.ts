import { get, set, simd } from '@biofuse/core/wasm';

/** v128.load with 16-byte alignment, offset 0, from the address in local `addr`. */
export const load = (addr: number): number[] => [...get(addr), ...simd.load, 4, 0];

/** acc += popcount of the bytes of the v128 on the stack (per-byte counters in v128 local `acc`). */
export const accumulatePopcount = (acc: number): number[] => [...simd.i8x16Popcnt, ...get(acc), ...simd.i8x16Add, ...set(acc)];
