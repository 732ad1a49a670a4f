/* pool.c - pool the study descriptors named on the command line with
 * libmetapool's default analysis and write the JSON report to standard
 * output, as `metapool -f json FILE...` does.
 *
 * Build: cc pool.c $(pkg-config --cflags --libs metapool) -o pool
 */
#include <stdio.h>
#include <stdlib.h>

#include <metapool.h>

/* Every diagnostic of a stage, in the form "pool: FILE:LINE: message". */
static void print_diagnostics(const mp_errors *e)
{
    for (size_t i = 0; i < mp_errors_size(e); i++) {
        const mp_diag *d = mp_errors_get(e, i);
        fprintf(stderr, "pool: ");
        if (d->file)
            fprintf(stderr, "%s:", d->file);
        if (d->file && d->line > 0)
            fprintf(stderr, "%ld:", d->line);
        fprintf(stderr, "%s%s%s\n", d->file ? " " : "",
                d->warning ? "warning: " : "", d->message);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: pool FILE...\n");
        return 2;
    }
    mp_status st;
    mp_analysis *a = mp_analysis_new(NULL, &st);
    if (!a) {
        fprintf(stderr, "pool: %s\n", mp_status_string(st));
        return 1;
    }
    for (int i = 1; i < argc; i++)
        mp_analysis_read_file(a, argv[i]);      /* problems: diagnostics */
    st = mp_analysis_run(a);
    for (int s = 0; s < MP_STAGE_COUNT; s++)
        print_diagnostics(mp_analysis_errors(a, (mp_stage)s));
    if (st == MP_OK)
        st = mp_analysis_write(a, MP_OUTPUT_JSON, NULL, stdout);
    if (fflush(stdout) != 0 && st == MP_OK)
        st = MP_EIO;
    if (st != MP_OK)
        fprintf(stderr, "pool: %s\n", mp_status_string(st));
    mp_analysis_free(a);
    return st == MP_OK ? 0 : st == MP_ENUMERIC ? 3 : 1;
}
