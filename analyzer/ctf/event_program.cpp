// Compiling a metadata structure into reads (event_program.hpp), running them
// over mapped data, and turning the located values into record fields.
#include "event_program.hpp"

#include <cstring>

#include "bits.hpp"

namespace fluxtrace::ctf {

namespace {

std::uint8_t storage_width(unsigned bits) {
    return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

bool is_text_element(const Type &e) {
    return e.kind == Type::Kind::Integer && e.text && e.size == 8;
}

// A sane upper bound for one sequence, to reject garbage lengths before
// multiplying them.
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 32;

} // namespace

EventProgram::EventProgram(const TypePtr &st) {
    if (st)
        compile(*st);
}

void EventProgram::compile(const Type &st) {
    if (st.kind != Type::Kind::Struct)
        throw Unsupported("a scope that is not a structure");
    // Ops and fields are numbered in 16 bits (Op::field, CheckOp::index).
    if (st.members.size() > INT16_MAX)
        throw Unsupported("a structure of " + std::to_string(st.members.size()) +
                          " members");
    align_ = st.align;
    // Members that only hold the length of a sibling sequence of integers.
    std::vector<bool> is_length(st.members.size(), false);
    for (const auto &m : st.members) {
        if (m.type->kind != Type::Kind::Sequence || is_text_element(*m.type->element))
            continue;
        for (size_t k = 0; k < st.members.size(); k++)
            if (st.members[k].name == m.type->length_name)
                is_length[k] = true;
    }
    for (size_t k = 0; k < st.members.size(); k++) {
        const Member &m = st.members[k];
        const Type &t = *m.type;
        Op op;
        op.align = static_cast<std::uint8_t>(t.align);
        if (t.align == 0 || t.align > 64 || (t.align & (t.align - 1)) != 0)
            throw Unsupported("alignment of " + std::to_string(t.align) + " bits");
        const std::string name = field_name(m.name);
        FieldSpec spec{name, FieldType::Unsigned, 8, false};
        switch (t.kind) {
        case Type::Kind::Integer:
            op.code = Op::Code::Int;
            op.size = static_cast<std::uint8_t>(t.size);
            op.is_signed = t.is_signed;
            spec = {name, t.is_signed ? FieldType::Signed : FieldType::Unsigned,
                    storage_width(t.size), t.base == 16};
            break;
        case Type::Kind::Float:
            op.code = t.size == 32 ? Op::Code::Float32 : Op::Code::Float64;
            op.size = static_cast<std::uint8_t>(t.size);
            spec.type = FieldType::Real;
            break;
        case Type::Kind::String:
            op.code = Op::Code::String;
            op.align = 8;
            spec.type = FieldType::String;
            break;
        case Type::Kind::Array:
        case Type::Kind::Sequence: {
            const Type &e = *t.element;
            const bool seq = t.kind == Type::Kind::Sequence;
            if (seq) {
                int len = -1;
                for (size_t j = 0; j < k; j++)
                    if (st.members[j].name == t.length_name)
                        len = static_cast<int>(j);
                if (len < 0 || st.members[len].type->kind != Type::Kind::Integer ||
                    st.members[len].type->is_signed)
                    throw Unsupported("sequence `" + m.name +
                                      "` whose length is not an earlier sibling");
                op.slot = static_cast<std::int16_t>(len);
            } else {
                op.count = static_cast<std::uint32_t>(t.length);
            }
            if (e.kind != Type::Kind::Integer)
                throw Unsupported("array of something else than integers (`" + m.name +
                                  "`)");
            if (is_text_element(e)) {
                if (e.align != 8)
                    throw Unsupported("text array not byte-aligned");
                op.code = seq ? Op::Code::TextSeq : Op::Code::TextArray;
                spec.type = FieldType::String;
                break;
            }
            if (e.size % e.align != 0)
                throw Unsupported("array elements with padding between them");
            op.code = seq ? Op::Code::IntSeq : Op::Code::IntArray;
            op.size = static_cast<std::uint8_t>(e.size);
            op.is_signed = e.is_signed;
            op.bytes = !e.is_signed && e.size == 8;
            if (!e.is_signed && e.size < 8)
                throw Unsupported("array of integers narrower than a byte");
            spec.type = op.bytes ? FieldType::Bytes : FieldType::U64Array;
            spec.hex = e.base == 16;
            has_var_ = true;
            break;
        }
        default:
            throw Unsupported("member `" + m.name + "` is a nested structure or variant");
        }
        if (!is_length[k]) {
            op.field = static_cast<std::int16_t>(specs_.size());
            specs_.push_back(spec);
            field_ops_.push_back(static_cast<int>(ops_.size()));
        }
        names_.push_back(name);
        ops_.push_back(op);
    }
    // The check walk: runs of byte-sized, byte-aligned fixed fields become one
    // skip; lengths are still read, for the sequences after them.
    std::vector<bool> is_count(ops_.size(), false);
    for (const Op &op : ops_)
        if (op.code == Op::Code::TextSeq || op.code == Op::Code::IntSeq)
            is_count[static_cast<size_t>(op.slot)] = true;
    bool in_run = false;
    for (size_t i = 0; i < ops_.size(); i++) {
        const Op &op = ops_[i];
        const bool fixed = (op.code == Op::Code::Int || op.code == Op::Code::Float32 ||
                            op.code == Op::Code::Float64) &&
                           op.align == 8 && op.size % 8 == 0 && !is_count[i];
        if (fixed && in_run) {
            check_ops_.back().op.count += op.size;
        } else if (fixed) {
            Op skip;
            skip.code = Op::Code::Skip;
            skip.align = 8;
            skip.count = op.size;
            check_ops_.push_back({skip, static_cast<std::uint16_t>(i)});
        } else {
            check_ops_.push_back({op, static_cast<std::uint16_t>(i)});
        }
        in_run = fixed;
    }
}

int EventProgram::op_of(const std::string &name) const {
    for (size_t i = 0; i < names_.size(); i++)
        if (names_[i] == name)
            return static_cast<int>(i);
    return -1;
}

bool EventProgram::is_string(int op) const {
    const auto c = ops_[static_cast<size_t>(op)].code;
    return c == Op::Code::String || c == Op::Code::TextArray || c == Op::Code::TextSeq;
}

bool EventProgram::is_integer(int op) const {
    return ops_[static_cast<size_t>(op)].code == Op::Code::Int;
}

namespace {

// One op: aligns `at`, locates the value there (into `v`), moves past it.
// False when the data ends too soon or a length is implausible.
inline bool step(const Op &op, const std::uint8_t *base, std::uint64_t &at,
                 std::uint64_t end, const Value *values, Value &v) {
    at = align_up(at, op.align);
    switch (op.code) {
    case Op::Code::Int:
    case Op::Code::Float32:
    case Op::Code::Float64:
        if (end < at || end - at < op.size)
            return false;
        v.bits = read_bits_le(base, at, op.size);
        if (op.is_signed)
            v.bits = static_cast<std::uint64_t>(sign_extend(v.bits, op.size));
        at += op.size;
        return true;
    case Op::Code::Skip:
        if (end < at || end - at < op.count)
            return false;
        at += op.count;
        return true;
    case Op::Code::String: {
        if (end <= at)
            return false;
        const std::uint8_t *p = base + at / 8;
        const auto *nul = static_cast<const std::uint8_t *>(
            std::memchr(p, 0, static_cast<size_t>((end - at) / 8)));
        if (!nul)
            return false;
        v.p = p;
        v.n = static_cast<std::uint32_t>(nul - p);
        at += 8 * (std::uint64_t{v.n} + 1);
        return true;
    }
    case Op::Code::TextArray:
    case Op::Code::TextSeq: {
        const std::uint64_t n =
            op.code == Op::Code::TextArray ? op.count : values[op.slot].bits;
        if (n >= kMaxElements || end < at || (end - at) / 8 < n)
            return false;
        v.p = base + at / 8;
        const void *nul = std::memchr(v.p, 0, static_cast<size_t>(n));
        v.n = static_cast<std::uint32_t>(
            nul ? static_cast<const std::uint8_t *>(nul) - v.p : n);
        at += 8 * n;
        return true;
    }
    case Op::Code::IntArray:
    case Op::Code::IntSeq: {
        const std::uint64_t n =
            op.code == Op::Code::IntArray ? op.count : values[op.slot].bits;
        if (n >= kMaxElements || end < at || (end - at) / op.size < n)
            return false;
        v.bits = at;
        v.p = base + at / 8;
        v.n = static_cast<std::uint32_t>(n);
        at += n * op.size;
        return true;
    }
    }
    return false;
}

} // namespace

bool EventProgram::run(const std::uint8_t *base, std::uint64_t &pos, std::uint64_t end,
                       Value *values) const {
    std::uint64_t at = align_up(pos, align_);
    for (size_t i = 0; i < ops_.size(); i++)
        if (!step(ops_[i], base, at, end, values, values[i]))
            return false;
    pos = at;
    return true;
}

bool EventProgram::check(const std::uint8_t *base, std::uint64_t &pos, std::uint64_t end,
                         Value *values) const {
    std::uint64_t at = align_up(pos, align_);
    for (const CheckOp &c : check_ops_)
        if (!step(c.op, base, at, end, values, values[c.index]))
            return false;
    pos = at;
    return true;
}

size_t EventProgram::var_size(const Value *values) const {
    if (!has_var_)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < ops_.size(); i++) {
        const Op &op = ops_[i];
        if (op.field < 0 ||
            (op.code != Op::Code::IntArray && op.code != Op::Code::IntSeq))
            continue;
        n += op.bytes ? RecordBuilder::var_bytes(values[i].n)
                      : RecordBuilder::var_u64s(values[i].n);
    }
    return n;
}

void EventProgram::build(RecordBuilder &b, const std::uint8_t *base,
                         const Value *values) const {
    for (size_t f = 0; f < field_ops_.size(); f++) {
        const Op &op = ops_[static_cast<size_t>(field_ops_[f])];
        const Value &v = values[field_ops_[f]];
        switch (op.code) {
        case Op::Code::Int:
            if (op.is_signed)
                b.set_signed(f, static_cast<std::int64_t>(v.bits));
            else
                b.set_unsigned(f, v.bits);
            break;
        case Op::Code::Float32: {
            float x;
            const auto u = static_cast<std::uint32_t>(v.bits);
            std::memcpy(&x, &u, sizeof x);
            b.set_real(f, x);
            break;
        }
        case Op::Code::Float64: {
            double x;
            std::memcpy(&x, &v.bits, sizeof x);
            b.set_real(f, x);
            break;
        }
        case Op::Code::String:
        case Op::Code::TextArray:
        case Op::Code::TextSeq:
            b.set_string(f, {reinterpret_cast<const char *>(v.p), v.n});
            break;
        case Op::Code::IntArray:
        case Op::Code::IntSeq:
            if (op.bytes) {
                std::uint8_t *out = b.reserve_bytes(f, v.n);
                if (v.n > 0)
                    std::memcpy(out, v.p, v.n);
            } else {
                std::uint64_t *out = b.reserve_u64s(f, v.n);
                if (op.size == 64 && v.bits % 8 == 0) {
                    if (v.n > 0)
                        std::memcpy(out, v.p, 8 * size_t{v.n});
                } else {
                    for (std::uint32_t k = 0; k < v.n; k++) {
                        const std::uint64_t x =
                            read_bits_le(base, v.bits + k * op.size, op.size);
                        out[k] = op.is_signed
                                     ? static_cast<std::uint64_t>(sign_extend(x, op.size))
                                     : x;
                    }
                }
            }
            break;
        case Op::Code::Skip: // only in check()
            break;
        }
    }
}

} // namespace fluxtrace::ctf
