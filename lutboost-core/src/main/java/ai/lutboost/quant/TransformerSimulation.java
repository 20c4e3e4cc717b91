package ai.lutboost.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * The transformer operators of {@code docs/datapath.md} §10 as batched DJL code on float64
 * tensors holding integers, written from that page and not from the engine, so that the two
 * can check each other.
 *
 * <p>Every intermediate stays below {@code 2^53}, where float64 holds integers exactly, and every
 * floor of a quotient is exact because the quotient's distance to the next integer, at least
 * {@code 1 / divisor}, exceeds float64's spacing at its size in the datapath's ranges.
 */
public final class TransformerSimulation {

    private static final double LN2 = 45_426;
    private static final double EXP_B = 88_670;
    private static final double EXP_C = 4_121_251_743L;
    private static final double GELU_B = 2_562;
    private static final double GELU_C = 7_261_607;
    private static final double GELU_M = 18_927;

    private TransformerSimulation() {}

    /** {@code rs(x, s)}: {@code floor((x + 2^(s-1)) / 2^s)}, or {@code x * 2^-s} for {@code s <= 0}. */
    static NDArray roundShift(NDArray x, int s) {
        return s <= 0 ? x.mul(Math.scalb(1.0, -s)) : x.add(Math.scalb(1.0, s - 1)).div(Math.scalb(1.0, s)).floor();
    }

    /** {@code sat(x, bits)}. */
    static NDArray saturate(NDArray x, int bits) {
        double limit = Math.scalb(1.0, bits - 1);
        return x.clip(-limit, limit - 1);
    }

    /**
     * {@code floor(sqrt(n))} for integers {@code 0 <= n < 2^52}. float64's correctly rounded root
     * never crosses an integer there: below {@code k^2} the root is at least {@code k - 1/(2k)},
     * and for {@code k < 2^26} that gap exceeds half float64's spacing at {@code k}.
     *
     * @param n the radicands
     * @return the roots
     */
    public static NDArray sqrt(NDArray n) {
        return n.sqrt().floor();
    }

    /**
     * The scaled exponential of non-positive integers {@code q} at {@code f} fractional bits.
     *
     * @param q the arguments, {@code |q| 2^(16 - f) < 2^46}
     * @param f their fractional bits
     * @return {@code ((p + B)^2 + C) >> z}
     */
    public static NDArray exp(NDArray q, int f) {
        NDArray x = roundShift(q, f - 16);
        // -x / LN2 < 2^31 and LN2 > 2^15: the quotient's floor is exact in float64.
        NDArray z = x.neg().div(LN2).floor();
        NDArray p = x.add(z.mul(LN2)).add(EXP_B);
        NDArray poly = p.mul(p).add(EXP_C);
        // poly < 2^34, so any z >= 40 gives 0 as z = 40 does; 2^z for z <= 40 is exp's result
        // within far less than 1/2, so rounding makes it exact, and dividing by it is exact.
        return poly.div(z.minimum(40).mul(Math.log(2)).exp().round()).floor();
    }

    /**
     * Softmax along the last axis, unsigned 8-bit at {@code 2^-8}.
     *
     * @param q scores at {@code f} fractional bits
     * @param f their fractional bits
     * @return the probabilities
     */
    public static NDArray softmax(NDArray q, int f) {
        NDArray e = exp(q.sub(q.max(new int[] {-1}, true)), f);
        NDArray sum = e.sum(new int[] {-1}, true);
        // The quotient is below 2^8 + 1 and the sum below 2^44: 1 / sum exceeds the spacing.
        return e.mul(256).add(sum.div(2).floor()).div(sum).floor().minimum(255);
    }

    /**
     * GELU.
     *
     * @param q inputs at {@code f} fractional bits
     * @param f their fractional bits
     * @param fOut the output's fractional bits
     * @param bits the output's width
     * @return the outputs
     */
    public static NDArray gelu(NDArray q, int f, int fOut, int bits) {
        NDArray x = roundShift(q, f - 10);
        NDArray t = x.abs();
        NDArray flat = t.gte(GELU_B);
        NDArray d = t.sub(GELU_B);
        NDArray erf = x.sign().mul(d.mul(d).sub(GELU_C));
        NDArray p = x.mul(erf.neg().add(GELU_C));
        NDArray curved = saturate(roundShift(p.mul(GELU_M), 48 - fOut), bits);
        NDArray linear = saturate(roundShift(x.maximum(0), 10 - fOut), bits);
        return NDArrays.where(flat, linear, curved);
    }

    /**
     * LayerNorm along the last axis.
     *
     * @param q 8-bit inputs at {@code f} fractional bits, last axis {@code d <= 4096}
     * @param epsilon {@code max(1, round(eps d^2 2^(2f)))}
     * @param gamma 16-bit scales at {@code fGamma}, shape {@code [d]}
     * @param fGamma gamma's fractional bits
     * @param beta offsets at {@code 2^-(12 + fGamma)}, shape {@code [d]}
     * @param fOut the output's fractional bits
     * @param bits the output's width
     * @return the outputs
     */
    public static NDArray layerNorm(NDArray q, long epsilon, NDArray gamma, int fGamma, NDArray beta, int fOut,
            int bits) {
        long d = q.getShape().get(q.getShape().dimension() - 1);
        NDArray s = q.sum(new int[] {-1}, true);
        NDArray c = q.mul(d).sub(s);
        NDArray v = c.mul(c).sum(new int[] {-1}, true);
        // v < 2^52 and d <= 2^12: v / d is at least 1 / d from the next integer, more than
        // float64's spacing at its size, so the floor is exact.
        NDArray mean = v.div(d).floor();
        NDArray sigma = sqrt(mean.add(epsilon));
        // |c 2^12| < 2^32 and sigma < 2^26: the quotient is below 2^19 and its floor exact.
        NDArray n = c.mul(4096).div(sigma).floor();
        return saturate(roundShift(n.mul(gamma).add(beta), 12 + fGamma - fOut), bits);
    }
}
