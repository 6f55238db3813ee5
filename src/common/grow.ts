// Growable typed arrays: the pair tables, heaps and word stores of replay and training double
// their capacity through one function.
/** A copy of `array` with room for at least `needed` elements (doubling, or growing by `factor`). */
export function grow<T extends Int32Array | Float64Array | Uint32Array>(
  array: T,
  needed: number,
  factor = 2,
): T {
  let capacity = Math.max(16, array.length);
  while (capacity < needed) capacity = Math.ceil(capacity * factor);
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}
