/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_unzip.h - one member of a zip archive held in memory (internal).
 *
 * RevMan 5 reviews also travel zipped (a Cochrane review's "data only"
 * download); metapool import reads the .rm5 file inside.  The archive is
 * read with libzip (Debian's libzip-dev), which handles the format's
 * variants (deflate, zip64, data descriptors) and checks every member's
 * CRC-32: writing an inflater and an archive reader by hand would repeat
 * zlib and libzip with none of their testing.
 */
#ifndef MP_UNZIP_H
#define MP_UNZIP_H

#include <stddef.h>

#include "metapool.h"

/* Whether buf (len bytes) starts like a zip archive ("PK\3\4"). */
int mp_unzip_is_zip(const char *buf, size_t len);

/* Largest member read, in bytes (a guard against zip bombs: a review of
 * a hundred studies is a few megabytes). */
#define MP_UNZIP_MAX_MEMBER ((size_t)512 << 20)

/* The member of the archive in buf (len bytes, not copied, not freed)
 * whose name ends in suffix (ASCII case ignored): the only one, or, when
 * no name ends in suffix, the archive's only file.  On MP_OK *out is a
 * malloc'd copy of its bytes (*out_len of them, plus a NUL not counted;
 * the caller frees it) and name receives its name (cut to name_size).
 * On MP_EINPUT why receives the reason in words (not a zip archive, a
 * damaged one, a CRC error, no such member or several, one too large);
 * MP_ENOMEM when memory runs out. */
mp_status mp_unzip_member(const char *buf, size_t len, const char *suffix,
                          char **out, size_t *out_len, char *name,
                          size_t name_size, char *why, size_t why_size);

#endif
