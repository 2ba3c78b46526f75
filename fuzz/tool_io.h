/* tool_io.h - small file helpers shared by the command-line tools (maple-replay, maple-ops).
 * Errors are returned, never fatal: the tools turn them into "file: message" and exit 2. */
#ifndef FUZZ_TOOL_IO_H
#define FUZZ_TOOL_IO_H

#include <stddef.h>
#include <stdint.h>

#include "ops.h"

/* Reads a whole file; returns NULL and sets errno on failure. */
uint8_t *tool_read_file(const char *path, size_t *size);

/* Parses a text op file from memory; on error fills err with "file:line: message", returns -1. */
int tool_parse_text(const char *path, const uint8_t *data, size_t size, struct ops_list *list,
		    char *err, size_t errlen);

#endif
