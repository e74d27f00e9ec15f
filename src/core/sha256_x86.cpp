// SHA-256 on the x86 SHA extensions (SHA-NI), for the token hash behind every authenticated
// request: libsodium's portable C costs about 3,500 instructions for one 43-byte cookie, these
// instructions a few hundred. Only this file is compiled for them (function target attributes), so
// the binary still runs on a CPU without them; crypto::sha256 asks cpu_has_sha_extensions() first
// and otherwise uses libsodium. tests/unit/core/crypto_test.cpp holds both to the same digests.
#include "core/sha256_x86.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

#include <cstring>

namespace authd::crypto::detail {

namespace {

alignas(16) constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// The instructions keep the eight state words as two vectors, (A,B,E,F) and (C,D,G,H); `abef` and
// `cdgh` are those, and each call runs the 64 rounds of one 64-byte block.
__attribute__((target("sha,sse4.1,ssse3"))) void compress(__m128i& abef, __m128i& cdgh,
                                                          const unsigned char* block)
{
    // Message words are big-endian; this shuffle turns each 32-bit lane around.
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    const __m128i abef_in = abef;
    const __m128i cdgh_in = cdgh;
    __m128i w[4];  // the last 16 message words, four per vector, w[i % 4] the oldest
    for (int i = 0; i < 16; ++i) {
        __m128i& words = w[i % 4];
        if (i < 4) {
            words = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)),
                                     byte_swap);
        } else {
            // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time.
            const __m128i& newest = w[(i + 3) % 4];
            const __m128i t7 = _mm_alignr_epi8(newest, w[(i + 2) % 4], 4);
            words =
                _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(words, w[(i + 1) % 4]), t7), newest);
        }
        const __m128i wk =
            _mm_add_epi32(words, _mm_load_si128(reinterpret_cast<const __m128i*>(round_constants + 4 * i)));
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);  // two rounds: new (A,B,E,F) into cdgh
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));  // and two more
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
}

}  // namespace

bool cpu_has_sha_extensions() noexcept
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) {
        return false;
    }
    const bool sse41 = (ecx & bit_SSE4_1) != 0;
    const bool ssse3 = (ecx & bit_SSSE3) != 0;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) {
        return false;
    }
    return sse41 && ssse3 && (ebx & bit_SHA) != 0;
}

__attribute__((target("sha,sse4.1,ssse3"))) sha256_digest sha256_with_sha_extensions(
    std::string_view data) noexcept
{
    // H0..H7 as the two vectors: (A,B,E,F) and (C,D,G,H), lane 0 last.
    __m128i abef = _mm_set_epi32(0x6a09e667, 0xbb67ae85, 0x510e527f, 0x9b05688c);
    __m128i cdgh = _mm_set_epi32(0x3c6ef372, 0xa54ff53a, 0x1f83d9ab, 0x5be0cd19);

    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t left = data.size();
    for (; left >= 64; left -= 64, bytes += 64) {
        compress(abef, cdgh, bytes);
    }
    // The tail, 0x80, zeros, and the length in bits (big-endian): one block, or two if the tail
    // leaves no room for the length.
    unsigned char tail[128] = {};
    std::memcpy(tail, bytes, left);
    tail[left] = 0x80;
    const std::size_t tail_blocks = left + 1 + 8 <= 64 ? 1 : 2;
    const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
    for (int i = 0; i < 8; ++i) {
        tail[tail_blocks * 64 - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
    }
    for (std::size_t b = 0; b < tail_blocks; ++b) {
        compress(abef, cdgh, tail + 64 * b);
    }

    // Back to A..H in order, then each word big-endian.
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    const __m128i dcba = _mm_blend_epi16(feba, dchg, 0xf0);
    const __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    sha256_digest out{};
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.data()), _mm_shuffle_epi8(dcba, byte_swap));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.data() + 16), _mm_shuffle_epi8(hgfe, byte_swap));
    return out;
}

}  // namespace authd::crypto::detail

#else

namespace authd::crypto::detail {

bool cpu_has_sha_extensions() noexcept
{
    return false;
}

sha256_digest sha256_with_sha_extensions(std::string_view) noexcept
{
    return {};  // never called: cpu_has_sha_extensions() is false
}

}  // namespace authd::crypto::detail

#endif
