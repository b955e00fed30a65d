/*
 * hex.h: bytes as lowercase hexadecimal, the way every digest the project
 * keeps (input SHA-256, plan hash, audit chain, evidence) is written.
 */
#ifndef IMPORTER_HEX_H
#define IMPORTER_HEX_H

#include <stddef.h>

/* Writes 2 * n hex digits of d[0..n) and a NUL: out holds 2 * n + 1. */
void	hex_encode(const void *d, size_t n, char *out);

#endif
