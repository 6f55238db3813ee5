// The lazy LP's sweep with prices on pairs that hold no slack column: the alpha-cuts solver keeps
// its pair slacks (the matching's duals) outside the LP and has the sweep subtract them like v_p.
// A subclass, so the core LP's hot loops carry no hook for it.
import { LazyMixtureLp } from '../lazy-lp.js';

export class PricedMixtureLp extends LazyMixtureLp {
  /** Prices of pairs without slack columns, by global pair (undefined: none). */
  private pairPrice?: Float64Array;

  /**
   * Prices (>= 0, by global pair) subtracted from the priorities of pairs without a slack column,
   * from the next recomputePriorities on.
   */
  setPairPrices(price: Float64Array | undefined): void {
    this.pairPrice = price;
  }

  override subtractPrices(prio: Float64Array): void {
    super.subtractPrices(prio);
    const price = this.pairPrice;
    if (price) for (let g = 0; g < price.length; g++) if (this.vpCol[g] < 0) prio[g] -= price[g];
  }

  override priceOf(g: number): number {
    if (this.vpCol[g] >= 0) return super.priceOf(g);
    return this.pairPrice ? this.pairPrice[g] : 0;
  }
}
