// SHA-256 on the processor's own SHA instructions (Intel SHA extensions), about four times the
// speed of the portable code. Hashing every line is the largest single cost of replaying the log.
// This target alone is compiled with `-msha -msse4.1`, so nothing in it may run until
// CaseTrailStore (compiled without those flags) has checked that the processor has them.

#if arch(x86_64)
import _Builtin_intrinsics.intel

public enum SHA256Extensions {
    /// Runs the compression function over `count` bytes (whole 64-byte blocks) at `data`,
    /// updating the eight state words `h` in place, with SHA-256's 64 round constants at
    /// `roundConstants`. Only call on a processor with the SHA extensions and SSE4.1.
    public static func compress(_ h: UnsafeMutablePointer<UInt32>, _ data: UnsafeRawPointer, count: Int, roundConstants: UnsafeRawPointer) {
        let mask = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203)
        // The state words as the instructions want them: FEBA and HGDC (lowest word first).
        var s0 = vector(SIMD4(h[5], h[4], h[1], h[0]))
        var s1 = vector(SIMD4(h[7], h[6], h[3], h[2]))
        let k = roundConstants
        var offset = 0
        while offset + 64 <= count {
            let saved0 = s0, saved1 = s1
            let block = data + offset
            var w0 = _mm_shuffle_epi8(load(block), mask)
            var w1 = _mm_shuffle_epi8(load(block + 16), mask)
            var w2 = _mm_shuffle_epi8(load(block + 32), mask)
            var w3 = _mm_shuffle_epi8(load(block + 48), mask)
            fourRounds(&s0, &s1, w0, load(k))
            fourRounds(&s0, &s1, w1, load(k + 16)); w0 = _mm_sha256msg1_epu32(w0, w1)
            fourRounds(&s0, &s1, w2, load(k + 32)); w1 = _mm_sha256msg1_epu32(w1, w2)
            fourRounds(&s0, &s1, w3, load(k + 48)); expand(&w0, w3, w2); w2 = _mm_sha256msg1_epu32(w2, w3)
            // Rounds 16-63, four at a time, the four message registers taking turns. The last
            // iteration's spare expansions write registers that are never read again.
            var group = 1
            while group < 4 {
                let kg = k + group * 64
                fourRounds(&s0, &s1, w0, load(kg)); expand(&w1, w0, w3); w3 = _mm_sha256msg1_epu32(w3, w0)
                fourRounds(&s0, &s1, w1, load(kg + 16)); expand(&w2, w1, w0); w0 = _mm_sha256msg1_epu32(w0, w1)
                fourRounds(&s0, &s1, w2, load(kg + 32)); expand(&w3, w2, w1); w1 = _mm_sha256msg1_epu32(w1, w2)
                fourRounds(&s0, &s1, w3, load(kg + 48)); expand(&w0, w3, w2); w2 = _mm_sha256msg1_epu32(w2, w3)
                group += 1
            }
            s0 = _mm_add_epi32(s0, saved0)
            s1 = _mm_add_epi32(s1, saved1)
            offset += 64
        }
        let f = words(s0), g = words(s1)
        (h[0], h[1], h[2], h[3]) = (f[3], f[2], g[3], g[2])
        (h[4], h[5], h[6], h[7]) = (f[1], f[0], g[1], g[0])
    }

    @inline(__always) private static func vector(_ w: SIMD4<UInt32>) -> __m128i { unsafeBitCast(w, to: __m128i.self) }
    @inline(__always) private static func words(_ v: __m128i) -> SIMD4<UInt32> { unsafeBitCast(v, to: SIMD4<UInt32>.self) }

    @inline(__always) private static func load(_ p: UnsafeRawPointer) -> __m128i {
        p.loadUnaligned(as: __m128i.self)
    }

    @inline(__always) private static func fourRounds(_ s0: inout __m128i, _ s1: inout __m128i, _ w: __m128i, _ k: __m128i) {
        var m = _mm_add_epi32(w, k)
        s1 = _mm_sha256rnds2_epu32(s1, s0, m)
        m = _mm_unpackhi_epi64(m, m)
        s0 = _mm_sha256rnds2_epu32(s0, s1, m)
    }

    /// Completes the next four schedule words in `next` from the current and previous four.
    @inline(__always) private static func expand(_ next: inout __m128i, _ current: __m128i, _ previous: __m128i) {
        let p = words(previous), c = words(current)
        next = _mm_sha256msg2_epu32(_mm_add_epi32(next, vector(SIMD4(p[1], p[2], p[3], c[0]))), current)
    }
}
#else
public enum SHA256Extensions {
    /// Never called on this architecture: the portable code runs.
    public static func compress(_ h: UnsafeMutablePointer<UInt32>, _ data: UnsafeRawPointer, count: Int, roundConstants: UnsafeRawPointer) {
        preconditionFailure("SHA256Extensions.compress called where the extensions are not available")
    }
}
#endif
