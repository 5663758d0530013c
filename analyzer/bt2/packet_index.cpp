#include "packet_index.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace fluxtrace::bt2 {

namespace {

// A header, then one big-endian entry per packet, `packet_index_len` bytes.
constexpr std::uint32_t kIndexMagic = 0xC1F1DCC1;
constexpr size_t kHeaderSize = 16;
constexpr size_t kEntryMinSize = 56; // offset .. stream_id (index 1.0)

std::uint64_t load_be(const unsigned char *p, size_t n) {
    std::uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

} // namespace

std::vector<Packet> read_packet_index(const std::string &stream_file) {
    const std::filesystem::path file(stream_file);
    std::ifstream in(file.parent_path() / "index" / (file.filename().string() + ".idx"),
                     std::ios::binary);
    if (!in)
        return {};
    const std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    if (data.size() < kHeaderSize || load_be(data.data(), 4) != kIndexMagic)
        return {};
    const auto entry_size = load_be(data.data() + 12, 4);
    if (entry_size < kEntryMinSize)
        return {};
    std::vector<Packet> packets;
    for (size_t at = kHeaderSize; at + entry_size <= data.size(); at += entry_size) {
        const Packet p{load_be(data.data() + at, 8),
                       load_be(data.data() + at + 8, 8) / 8};
        const std::uint64_t end =
            packets.empty() ? 0 : packets.back().offset + packets.back().size;
        if (p.size == 0 || p.offset != end)
            return {}; // not the contiguous list src.ctf.fs would also expect
        packets.push_back(p);
    }
    return packets;
}

} // namespace fluxtrace::bt2
