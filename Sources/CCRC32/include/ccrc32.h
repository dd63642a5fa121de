#ifndef RELANCE_CCRC32_H
#define RELANCE_CCRC32_H

#include <stddef.h>
#include <stdint.h>

/// Whether this processor has the carry-less multiply (PCLMULQDQ) and SSE4.1 that `relance_crc32_fold` needs.
int relance_crc32_fold_available(void);

/// Folds `length` bytes (at least 64, a multiple of 16) into `state`, the CRC-32 (IEEE) register as the table
/// code keeps it between calls (already complemented): returns the new register, not yet complemented.
/// Only call it when `relance_crc32_fold_available()`.
uint32_t relance_crc32_fold(const uint8_t *bytes, size_t length, uint32_t state);

#endif
