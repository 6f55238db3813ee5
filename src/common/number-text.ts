// Numbers as users type them in flags: one place for what counts as a whole or a decimal number, so
// every flag accepts and refuses the same texts (Number() alone takes '', '0x10' and 'Infinity').

/** `text` as a whole number (digits, spaces around allowed), else NaN. */
export function wholeNumberOf(text: string): number {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/** `text` as a decimal number (digits, point, exponent, sign; spaces around allowed), else NaN. */
export function decimalNumberOf(text: string): number {
  return /^\s*[0-9.eE+-]+\s*$/.test(text) ? Number(text) : Number.NaN;
}
