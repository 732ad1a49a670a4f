#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs metapool under valgrind memcheck: any memory error or definite or
# indirect leak makes it exit 99, which no test expects.  Used by .ci/run:
#   make check TESTS="$CLI_TESTS" MP_METAPOOL=$PWD/tests/valgrind.sh MP_REAL=$PWD/src/metapool
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect "${MP_REAL:?MP_REAL must name the metapool binary}" "$@"
