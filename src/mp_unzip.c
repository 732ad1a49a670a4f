/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_unzip.c - one member of a zip archive in memory; see mp_unzip.h. */
#include "mp_unzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zip.h>

int mp_unzip_is_zip(const char *buf, size_t len)
{
    return len >= 4 && memcmp(buf, "PK\3\4", 4) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The index of the member to read, or -1 with why filled in. */
static zip_int64_t choose(zip_t *z, const char *suffix, char *why, size_t why_size)
{
    zip_int64_t n = zip_get_num_entries(z, 0), found = -1, files = 0, only = -1;
    size_t matches = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!name || ends_with(name, "/"))
            continue;           /* a directory */
        files++;
        only = i;
        if (ends_with(name, suffix)) {
            matches++;
            found = i;
        }
    }
    if (matches == 1)
        return found;
    if (matches == 0 && files == 1)
        return only;
    if (matches > 1)
        snprintf(why, why_size, "the zip archive holds %zu %s files: unzip it "
                 "and import them one by one", matches, suffix);
    else if (files == 0)
        snprintf(why, why_size, "the zip archive holds no file");
    else
        snprintf(why, why_size, "the zip archive holds no %s file among its %lld "
                 "files", suffix, (long long)files);
    return -1;
}

/* Read member i (its size known from zip_stat) into a new buffer. */
static mp_status read_member(zip_t *z, zip_int64_t i, char **out, size_t *out_len,
                             char *why, size_t why_size)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
        snprintf(why, why_size, "damaged zip archive: %s", zip_strerror(z));
        return MP_EINPUT;
    }
    if (st.size > MP_UNZIP_MAX_MEMBER) {
        snprintf(why, why_size, "%s in the zip archive is %llu bytes, more than "
                 "the %zu metapool reads", st.name, (unsigned long long)st.size,
                 MP_UNZIP_MAX_MEMBER);
        return MP_EINPUT;
    }
    char *b = malloc((size_t)st.size + 1);
    if (!b)
        return MP_ENOMEM;
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
    /* a short read or a CRC mismatch: libzip checks the CRC-32 when a read
     * reaches the end of the member, so one more read must give 0 bytes */
    zip_int64_t got = f ? zip_fread(f, b, st.size) : -1;
    char past;
    int bad = !f || got < 0 || (zip_uint64_t)got != st.size || zip_fread(f, &past, 1) != 0;
    if (bad)
        snprintf(why, why_size, "cannot read %s in the zip archive: %s", st.name,
                 f ? zip_file_strerror(f) : zip_strerror(z));
    if (f)
        zip_fclose(f);
    if (bad) {
        free(b);
        return MP_EINPUT;
    }
    b[st.size] = '\0';
    *out = b;
    *out_len = (size_t)st.size;
    return MP_OK;
}

mp_status mp_unzip_member(const char *buf, size_t len, const char *suffix,
                          char **out, size_t *out_len, char *name,
                          size_t name_size, char *why, size_t why_size)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &err);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) : NULL;
    mp_status st = MP_EINPUT;
    if (!src && zip_error_code_zip(&err) == ZIP_ER_MEMORY)
        st = MP_ENOMEM;
    else if (!z) {
        snprintf(why, why_size, "not a readable zip archive: %s", zip_error_strerror(&err));
        if (src)
            zip_source_free(src);
    } else {
        zip_int64_t i = choose(z, suffix, why, why_size);
        if (i >= 0) {
            snprintf(name, name_size, "%s", zip_get_name(z, (zip_uint64_t)i, 0));
            st = read_member(z, i, out, out_len, why, why_size);
        }
        zip_discard(z);         /* read only: frees the source too */
    }
    zip_error_fini(&err);
    return st;
}
