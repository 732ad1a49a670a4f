/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_ipd.c - the individual data reconstructed from km-curves, as CSV
 * (metapool(1), --ipd); see mp_dataset_write_ipd in metapool.h. */
#include <stdio.h>

#include "mp_format.h"
#include "metapool.h"

static void arm_rows(FILE *out, const char *id, int arm, size_t n,
                     const double *time, const int *event)
{
    char t[MP_NUMBUF];
    for (size_t j = 0; j < n; j++) {
        mp_format_csv_field(out, id);
        mp_format_json_number(t, time[j]);
        fprintf(out, ",%d,%s,%d\n", arm, t, event[j]);
    }
}

mp_status mp_dataset_write_ipd(const mp_dataset *ds, FILE *out)
{
    fputs("study,arm,time,event\n", out);
    for (size_t i = 0; i < mp_dataset_k(ds); i++)
        for (int arm = 1; arm >= 0; arm--) {
            const double *time;
            const int *event;
            size_t n = mp_dataset_ipd(ds, i, arm, &time, &event);
            arm_rows(out, mp_dataset_id(ds, i), arm, n, time, event);
        }
    return ferror(out) ? MP_EIO : MP_OK;
}
