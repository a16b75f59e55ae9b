/**
 * Folds text for matching: lower-case, accents removed (so "cártel" matches "cartel" and
 * "EXTRADICIÓN" matches "extradicion"), punctuation turned into single spaces.
 */
export function foldText(input: string): string {
  return input
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
