/** The parts of bmp-js 0.1 (CommonJS, untyped) that biofuse uses. */
declare module 'bmp-js' {
  interface BmpDecoded {
    readonly width: number;
    /** Always positive: a top-down file's negative height is flipped by the decoder. */
    readonly height: number;
    readonly bitPP: number;
    /** 4 bytes per pixel in A, B, G, R order (A is 0 for palette and 24-bit images). */
    readonly data: Buffer;
  }
  const bmp: {
    decode(buffer: Buffer): BmpDecoded;
  };
  export default bmp;
}
