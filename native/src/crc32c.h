#pragma once
#include <cstddef>
#include <cstdint>

namespace charybdis {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), continuing from `crc` (0 to
// start). Uses the SSE4.2 crc32 instruction when the CPU has it, slicing-by-8 otherwise.
uint32_t crc32c(uint32_t crc, const uint8_t* data, size_t len);

}  // namespace charybdis
