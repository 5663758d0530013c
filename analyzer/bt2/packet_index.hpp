// LTTng's index of a data stream file (DIR/index/<file>.idx, lttng-tools
// src/common/index/ctf-index.h): where each packet starts and how long it is,
// without reading the data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fluxtrace::bt2 {

struct Packet {
    std::uint64_t offset; // bytes from the start of the file
    std::uint64_t size;   // bytes
};

// Empty when the file has no usable index.
std::vector<Packet> read_packet_index(const std::string &stream_file);

} // namespace fluxtrace::bt2
