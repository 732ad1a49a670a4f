/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_html.c - HTML escaping and SHA-256; see mp_html.h. */
#include "mp_html.h"

#include <string.h>

int mp_html_escape(FILE *out, const char *s)
{
    if (!s)
        return 0;
    for (; *s; s++) {
        const char *ref = NULL;
        switch (*s) {
        case '&': ref = "&amp;"; break;
        case '<': ref = "&lt;"; break;
        case '>': ref = "&gt;"; break;
        case '"': ref = "&quot;"; break;
        case '\'': ref = "&#39;"; break;
        default: break;
        }
        if ((ref ? fputs(ref, out) : putc(*s, out)) == EOF)
            return EOF;
    }
    return 0;
}

int mp_html_uri(FILE *out, const char *s)
{
    static const char safe[] = "-._~/:;(),+=@!$*";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9') || strchr(safe, c);
        if ((plain ? putc(c, out) : fprintf(out, "%%%02X", c)) < 0)
            return EOF;
    }
    return 0;
}

/* ---- SHA-256: FIPS 180-4 (2015), sections 4.1.2, 4.2.2, 5.1.1, 5.3.3, 6.2 */

/* The first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (section 4.2.2). */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* One 512-bit block (section 6.2.2). */
static void compress(uint32_t h[8], const unsigned char *b)
{
    uint32_t w[64], v[8];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)b[4 * t] << 24 | (uint32_t)b[4 * t + 1] << 16
               | (uint32_t)b[4 * t + 2] << 8 | (uint32_t)b[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    memcpy(v, h, sizeof v);
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
        uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        uint32_t t1 = v[7] + S1 + ch + K[t] + w[t];
        uint32_t S0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
        uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + S0 + maj;
    }
    for (int i = 0; i < 8; i++)
        h[i] += v[i];
}

void mp_sha256_init(mp_sha256_ctx *c)
{
    /* section 5.3.3: fractional parts of the square roots of the first 8
     * primes */
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                    0xa54ff53a, 0x510e527f, 0x9b05688c,
                                    0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, h0, sizeof h0);
    c->bytes = 0;
    c->used = 0;
}

void mp_sha256_update(mp_sha256_ctx *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    c->bytes += n;
    while (n > 0) {
        size_t take = sizeof c->block - c->used;
        if (take > n)
            take = n;
        memcpy(c->block + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used == sizeof c->block) {
            compress(c->h, c->block);
            c->used = 0;
        }
    }
}

void mp_sha256_final(mp_sha256_ctx *c, unsigned char digest[32])
{
    /* section 5.1.1: a 1 bit, zeros to 448 mod 512, the length in bits */
    uint64_t bits = c->bytes * 8;
    unsigned char pad[72] = { 0x80 };
    size_t npad = (c->used < 56 ? 56 : 120) - c->used;
    for (int i = 0; i < 8; i++)
        pad[npad + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    mp_sha256_update(c, pad, npad + 8);
    for (int i = 0; i < 32; i++)
        digest[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

static void to_hex(const unsigned char d[32], char hex[MP_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

void mp_sha256_hex(const void *data, size_t n, char hex[MP_SHA256_HEX])
{
    mp_sha256_ctx c;
    unsigned char d[32];
    mp_sha256_init(&c);
    mp_sha256_update(&c, data, n);
    mp_sha256_final(&c, d);
    to_hex(d, hex);
}

mp_status mp_sha256_file(const char *path, char hex[MP_SHA256_HEX])
{
    hex[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return MP_EIO;
    mp_sha256_ctx c;
    unsigned char buf[8192], d[32];
    size_t n;
    mp_sha256_init(&c);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        mp_sha256_update(&c, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return MP_EIO;
    mp_sha256_final(&c, d);
    to_hex(d, hex);
    return MP_OK;
}
