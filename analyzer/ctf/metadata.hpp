// The TSDL metadata of a CTF 1.8 trace, as LTTng-UST 2.13 writes it, parsed
// into the few things the fast reader decodes with: the packet header, the
// stream classes (packet context, event header, event context), the event
// classes' payloads and the clock.
//
// Only the subset LTTng-UST emits is understood: integers, floats, strings,
// enumerations, structures, the two event header variants, static arrays and
// sequences whose length is a sibling member.  Anything else (another
// producer's constructs, big-endian data, callsites, nested variants) throws
// Unsupported, and the caller falls back to Babeltrace2.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace fluxtrace::ctf {

// The metadata (or a data file) uses something this reader does not decode.
class Unsupported : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct Member {
    std::string name; // as written in TSDL (the leading `_` not yet removed)
    TypePtr type;
};

struct Type {
    enum class Kind { Integer, Float, String, Struct, Variant, Array, Sequence };
    Kind kind = Kind::Integer;
    // Integer (enumerations are integers: their labels are not read).
    unsigned size = 0;  // bits
    unsigned align = 8; // bits, every kind
    unsigned depth = 1; // levels of types inside one another, this one included
    bool is_signed = false;
    unsigned base = 10;
    bool text = false;       // encoding UTF8 / ASCII: arrays of them are strings
    bool maps_clock = false; // map = clock.X.value
    bool is_enum = false;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> enum_ranges;
    // Float
    unsigned exp_dig = 0, mant_dig = 0;
    // Struct and variant members; the variant's tag
    std::vector<Member> members;
    std::string tag;
    // Array (length) and sequence (length member, TSDL name); their element
    TypePtr element;
    std::uint64_t length = 0;
    std::string length_name;

    const Member *member(const std::string &name) const;
};

struct EventClassDesc {
    std::uint64_t id = 0;
    std::uint64_t stream_id = 0;
    std::string name;
    TypePtr payload; // a struct, or null
};

struct StreamClassDesc {
    std::uint64_t id = 0;
    TypePtr packet_context;
    TypePtr event_header;
    TypePtr event_context; // or null
    std::map<std::uint64_t, EventClassDesc> events;
};

struct ClockDesc {
    std::string name;
    std::string uuid; // the clock's identity (LTTng: the host's boot id); may be ""

    std::uint64_t freq = 1000000000;
    std::int64_t offset_s = 0;
    std::int64_t offset = 0; // cycles
};

struct Metadata {
    std::uint8_t uuid[16] = {};
    bool has_uuid = false;
    TypePtr packet_header;
    std::map<std::uint64_t, StreamClassDesc> streams;
    std::vector<ClockDesc> clocks;
    std::map<std::string, std::string> env;
};

// The metadata text of `path` (plain or packetized).  Throws Unsupported.
std::string read_metadata_text(const std::string &path);
// The same, of the file's bytes.
std::string metadata_text(std::string data);
// Throws Unsupported for anything outside the subset above.
Metadata parse_metadata(const std::string &text);

// `_foo` -> `foo`: TSDL prefixes identifiers with an underscore so that they
// cannot clash with keywords, and readers drop one (Babeltrace2 does).
std::string field_name(const std::string &tsdl_name);

} // namespace fluxtrace::ctf
