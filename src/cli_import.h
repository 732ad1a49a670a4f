/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cli_import.h - the subcommands `metapool import` and `metapool new`
 * (analyses-2.md, section 5): part of the program, not of the library.
 * Each takes the arguments after the program name (argv[0] the
 * subcommand) and returns the exit status (metapool(1)); print writes
 * the diagnostics of a list as main does. */
#ifndef CLI_IMPORT_H
#define CLI_IMPORT_H

#include "metapool.h"

typedef void (*cli_print_diagnostics)(const mp_errors *e);

int cli_import(int argc, char **argv, cli_print_diagnostics print);
int cli_new(int argc, char **argv);

#endif
