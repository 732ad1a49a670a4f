/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_version.c - the library's version; see metapool.h. */
#include "config.h"

#include "metapool.h"

const char *mp_version(void)
{
    return PACKAGE_VERSION;
}
