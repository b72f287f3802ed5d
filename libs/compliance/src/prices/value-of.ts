/**
 * The exact value of `amount` base units of an asset with `decimals` decimals at `price` per whole
 * unit, as a decimal string with no rounding (the scale is the price's plus the asset's decimals,
 * trailing zeros trimmed). Never a float.
 */
export function valueOf(amount: bigint, decimals: number, price: string): string {
  const [whole, frac = ''] = price.split('.');
  const scaledPrice = BigInt(whole + frac);
  return formatScaled(amount * scaledPrice, frac.length + decimals);
}

/** Sums decimal strings exactly. */
export function sumDecimals(values: string[]): string {
  const scale = Math.max(0, ...values.map((v) => (v.split('.')[1] ?? '').length));
  let total = 0n;
  for (const v of values) {
    const [w, f = ''] = v.split('.');
    total += BigInt(w + f.padEnd(scale, '0'));
  }
  return formatScaled(total, scale);
}

function formatScaled(v: bigint, scale: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? digits.slice(digits.length - scale).replace(/0+$/, '') : '';
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
