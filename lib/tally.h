/*
 * tally.h: the one public header of libtally, the library every tally command links.
 *
 * The library never prints and never exits (out of memory aside): functions that can fail
 * return -1 (or NULL) and fill a struct terr with a position and a message; the command
 * formats it as "tally-CMD: FILE:LINE: message".
 */
#ifndef TALLY_H
#define TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The version comes from the VERSION file, through the Makefile (-DTALLY_VERSION). */
#ifndef TALLY_VERSION
#define TALLY_VERSION "unknown"
#endif

#include "core.h"
#include "journal.h"
#include "output.h"
#include "book.h"
#include "import.h"
#include "docs.h"

#endif
