// A structure of the metadata (an event payload, the event context, a packet
// header or context) compiled into a flat list of reads, run once per event
// with no type dispatch beyond a switch.  Running it only checks and locates
// the values (Value); building a Record from them is a second, separate step,
// so the fast reader can walk a whole trace first to make sure it decodes.
//
// Which members become record fields, and with which FieldSpec, follows
// Babeltrace2's translation exactly (as analyzer/bt2/event_decoder.cpp sees
// it): one leading `_` removed from names; arrays and sequences of 8-bit text
// integers are strings; the length member of a sibling sequence that is not
// text is left out; enumerations are integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../event_class.hpp"
#include "../record_builder.hpp"
#include "metadata.hpp"

namespace fluxtrace::ctf {

struct Op {
    enum class Code : std::uint8_t {
        Int,       // size bits, sign-extended when signed
        Float32,   //
        Float64,   //
        String,    // NUL-terminated
        TextArray, // count bytes, the string ends at the first NUL
        TextSeq,   // likewise, the count in a slot
        IntArray,  // count integers of `size` bits each
        IntSeq,    // likewise, the count in a slot
        Skip,      // check() only: `count` bits of fixed-size fields, not read
    };
    Code code = Code::Int;
    bool is_signed = false;
    bool bytes = false; // arrays: 8-bit unsigned elements, kept as Bytes
    std::uint8_t align = 8;
    std::uint8_t size = 0;   // bits of the value or of each element
    std::int16_t field = -1; // record field index; -1: read, not kept
    std::int16_t slot = -1;  // Int: length slot it sets; *Seq: slot it reads
    std::uint32_t count = 0; // *Array
};

// Where one op's value is: an integer's bits, or the start and length of a
// string or array in the mapped data.
struct Value {
    std::uint64_t bits = 0; // integers, floats; arrays: bit offset of the first element
    const std::uint8_t *p = nullptr; // strings, byte arrays
    std::uint32_t n = 0;             // string length, array element count
};

class EventProgram {
  public:
    EventProgram() = default;
    // `st` is a structure (or null: nothing).  Throws Unsupported.
    explicit EventProgram(const TypePtr &st);

    const std::vector<Op> &ops() const { return ops_; }
    const std::vector<FieldSpec> &specs() const { return specs_; }
    // The op index of member `name` (without its `_`), or -1.
    int op_of(const std::string &name) const;
    bool is_string(int op) const;
    bool is_integer(int op) const;

    // Locates every value from bit `pos` of `base`, without reading past bit
    // `end`; advances `pos`.  False when the data ends too soon or a length
    // is implausible.
    bool run(const std::uint8_t *base, std::uint64_t &pos, std::uint64_t end,
             Value *values) const;

    // The same walk and the same answer as run(), for checking only: values
    // other than strings, arrays and sequence lengths are not read.
    bool check(const std::uint8_t *base, std::uint64_t &pos, std::uint64_t end,
               Value *values) const;

    // Bytes of the record's variable part for these values.
    size_t var_size(const Value *values) const;
    // Sets the record fields from the values, in field order.
    void build(RecordBuilder &b, const std::uint8_t *base, const Value *values) const;

    size_t max_alignment() const { return align_; }

  private:
    void compile(const Type &st);

    struct CheckOp {
        Op op;
        std::uint16_t index; // of the (first) op it stands for
    };

    std::vector<Op> ops_;
    std::vector<CheckOp> check_ops_;
    std::vector<std::string> names_; // per op, without `_`
    std::vector<FieldSpec> specs_;   // per field
    std::vector<int> field_ops_;     // op of each field
    unsigned align_ = 1;
    bool has_var_ = false;
};

} // namespace fluxtrace::ctf
