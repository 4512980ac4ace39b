/** A line end: \r\n, \n, or a lone \r (classic Mac OS), which was refused. */
export const LINE_END = /\r\n|\r|\n/;

/**
 * The text without a leading byte-order mark. readSignature's decoder drops it, but text handed
 * straight to a parser keeps it: JSON.parse refused such a file, and the SVC2004 count line did not read as a number.
 */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The lines of a text file, byte-order mark dropped, whatever its line ends. */
export function textLines(text: string): string[] {
  return withoutBom(text).split(LINE_END);
}
