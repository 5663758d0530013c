// A recursive-descent parser for the TSDL subset that LTTng 2.13 writes for
// user-space traces (lttng-sessiond's ust-metadata.cpp), and the reader of the
// `metadata` file around it (plain text, or packetized as CTF 1.8 §7.1 says).
#include "metadata.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace fluxtrace::ctf {

namespace {

// Packetized metadata (CTF 1.8 §7.1): a 37-byte header before each chunk.
constexpr std::uint32_t kMetadataMagic = 0x75d11d57;
constexpr size_t kMetadataHeader = 37;

struct Token {
    enum Kind { Ident, Number, String, Punct, End } kind = End;
    std::string text;
};

class Lexer {
  public:
    explicit Lexer(const std::string &text) : s_(text) {}

    Token next() {
        skip_space();
        Token t;
        if (i_ >= s_.size())
            return t;
        const char c = s_[i_];
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t j = i_;
            while (j < s_.size() &&
                   (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_'))
                j++;
            t = {Token::Ident, s_.substr(i_, j - i_)};
            i_ = j;
        } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                   (c == '-' && i_ + 1 < s_.size() &&
                    std::isdigit(static_cast<unsigned char>(s_[i_ + 1])))) {
            size_t j = i_ + 1;
            while (j < s_.size() && std::isalnum(static_cast<unsigned char>(s_[j])))
                j++;
            t = {Token::Number, s_.substr(i_, j - i_)};
            i_ = j;
        } else if (c == '"') {
            std::string v;
            size_t j = i_ + 1;
            for (; j < s_.size() && s_[j] != '"'; j++) {
                if (s_[j] == '\\' && j + 1 < s_.size())
                    j++;
                v += s_[j];
            }
            if (j >= s_.size())
                throw Unsupported("unterminated string in the metadata");
            t = {Token::String, v};
            i_ = j + 1;
        } else if (s_.compare(i_, 2, ":=") == 0 || s_.compare(i_, 3, "...") == 0) {
            const size_t n = s_[i_] == ':' ? 2 : 3;
            t = {Token::Punct, s_.substr(i_, n)};
            i_ += n;
        } else {
            t = {Token::Punct, std::string(1, c)};
            i_++;
        }
        return t;
    }

  private:
    void skip_space() {
        for (;;) {
            while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
                i_++;
            if (s_.compare(i_, 2, "/*") == 0) {
                const auto end = s_.find("*/", i_ + 2);
                i_ = end == std::string::npos ? s_.size() : end + 2;
            } else if (s_.compare(i_, 2, "//") == 0) {
                const auto end = s_.find('\n', i_);
                i_ = end == std::string::npos ? s_.size() : end + 1;
            } else {
                return;
            }
        }
    }

    const std::string &s_;
    size_t i_ = 0;
};

// Alignments are powers of two, in bits (the readers round with masks).
unsigned alignment(std::int64_t v) {
    if (v <= 0 || v > 4096 || (v & (v - 1)) != 0)
        throw Unsupported("alignment of " + std::to_string(v) + " bits");
    return static_cast<unsigned>(v);
}

// Types nest (structures, variants, arrays) and are parsed and destroyed by
// recursion: beyond this, a metadata file could exhaust the stack.  LTTng
// writes at most three levels.
constexpr unsigned kMaxNesting = 32;
// A static array's length (an op's count is 32 bits).
constexpr std::uint64_t kMaxArrayLength = UINT32_MAX;

std::int64_t to_int(const std::string &s) {
    try {
        size_t used = 0;
        const bool neg = !s.empty() && s[0] == '-';
        const auto v = std::stoull(neg ? s.substr(1) : s, &used, 0);
        // Integer suffixes (U, L, UL) carry no meaning here.
        for (size_t k = used + neg; k < s.size(); k++)
            if (std::strchr("uUlL", s[k]) == nullptr)
                throw Unsupported("bad number `" + s + "` in the metadata");
        if (neg && v > std::uint64_t{INT64_MAX} + 1)
            throw Unsupported("number `" + s + "` out of range in the metadata");
        // Negated as unsigned: -2^63 has no positive int64_t.
        return static_cast<std::int64_t>(neg ? 0 - v : v);
    } catch (const std::logic_error &) {
        throw Unsupported("bad number `" + s + "` in the metadata");
    }
}

class Parser {
  public:
    explicit Parser(const std::string &text) : lex_(text) { advance(); }

    Metadata parse() {
        while (tok_.kind != Token::End) {
            const std::string w = tok_.text;
            if (tok_.kind == Token::Punct && w == ";") {
                advance();
            } else if (w == "typealias") {
                advance();
                TypePtr t = type_specifier();
                expect(":=");
                std::string name = words();
                aliases_[name] = declarator_suffix(t);
                expect(";");
            } else if (w == "typedef") {
                advance();
                TypePtr t = type_specifier();
                std::string name = words();
                aliases_[name] = declarator_suffix(t);
                expect(";");
            } else if (w == "trace") {
                block([&](const std::string &key) { trace_entry(key); });
            } else if (w == "env") {
                block([&](const std::string &key) {
                    expect("=");
                    md_.env[key] = value();
                });
            } else if (w == "clock") {
                ClockDesc c;
                block([&](const std::string &key) { clock_entry(c, key); });
                md_.clocks.push_back(c);
            } else if (w == "stream") {
                StreamClassDesc s;
                block([&](const std::string &key) { stream_entry(s, key); });
                if (md_.streams.count(s.id) && md_.streams[s.id].event_header)
                    throw Unsupported("stream class " + std::to_string(s.id) +
                                      " declared twice");
                auto &slot = md_.streams[s.id];
                s.events = std::move(slot.events); // events declared before it
                slot = std::move(s);
            } else if (w == "event") {
                EventClassDesc e;
                block([&](const std::string &key) { event_entry(e, key); });
                auto &events = md_.streams[e.stream_id].events;
                if (events.count(e.id))
                    throw Unsupported("event class " + std::to_string(e.id) +
                                      " declared twice");
                events[e.id] = e;
            } else if (w == "struct" || w == "enum" || w == "variant") {
                type_specifier(); // a named declaration, registered as it is read
                expect(";");
            } else {
                throw Unsupported("metadata block `" + w + "`");
            }
        }
        for (const auto &[id, s] : md_.streams)
            if (!s.event_header)
                throw Unsupported("events of stream class " + std::to_string(id) +
                                  " without a stream declaration");
        return std::move(md_);
    }

  private:
    [[noreturn]] static void too_deep() {
        throw Unsupported("types nested over " + std::to_string(kMaxNesting) +
                          " levels deep in the metadata");
    }
    // `t` holds types of `inner` levels: it is one level more.  (Through
    // aliases, types nest without the parser recursing.)
    static void nest(Type &t, unsigned inner) {
        t.depth = inner + 1;
        if (t.depth > kMaxNesting)
            too_deep();
    }
    // One more level of the parser's recursion for its lifetime.
    class Nested {
      public:
        explicit Nested(Parser &p) : depth_(p.depth_) {
            if (++depth_ > kMaxNesting)
                too_deep();
        }
        ~Nested() { depth_--; }
        Nested(const Nested &) = delete;
        Nested &operator=(const Nested &) = delete;

      private:
        unsigned &depth_;
    };

    void advance() { tok_ = lex_.next(); }
    bool is(const char *p) const { return tok_.kind == Token::Punct && tok_.text == p; }
    void expect(const char *p) {
        if (!is(p))
            throw Unsupported(std::string("expected `") + p + "` in the metadata, got `" +
                              tok_.text + "`");
        advance();
    }
    std::string ident() {
        if (tok_.kind != Token::Ident)
            throw Unsupported("expected a name in the metadata, got `" + tok_.text + "`");
        std::string s = tok_.text;
        advance();
        return s;
    }
    // `unsigned long`, `uint8_t`: one or more words.
    std::string words() {
        std::string s = ident();
        while (tok_.kind == Token::Ident)
            s += " " + ident();
        return s;
    }
    // `a.b.c`
    std::string path() {
        std::string s = ident();
        while (is(".")) {
            advance();
            s += "." + ident();
        }
        return s;
    }
    // A value up to `;`: a number, a string or a path.
    std::string value() {
        std::string v;
        if (tok_.kind == Token::String || tok_.kind == Token::Number) {
            v = tok_.text;
            advance();
        } else {
            v = path();
        }
        expect(";");
        return v;
    }

    template <typename F>
    void block(F entry) {
        advance();
        expect("{");
        while (!is("}")) {
            const std::string key = path();
            entry(key);
        }
        advance();
        expect(";");
    }

    void trace_entry(const std::string &key) {
        if (key == "packet.header") {
            expect(":=");
            md_.packet_header = type_specifier();
            expect(";");
            return;
        }
        expect("=");
        const std::string v = value();
        if (key == "byte_order" && v != "le")
            throw Unsupported("byte order `" + v + "` (only little-endian traces)");
        if (key == "major" && v != "1")
            throw Unsupported("CTF major version " + v);
        if (key == "uuid") {
            std::string hex;
            for (char c : v)
                if (c != '-')
                    hex += c;
            if (hex.size() != 32 || !std::all_of(hex.begin(), hex.end(), [](char c) {
                    return std::isxdigit(static_cast<unsigned char>(c));
                }))
                throw Unsupported("bad trace uuid `" + v + "`");
            for (int i = 0; i < 16; i++)
                md_.uuid[i] = static_cast<std::uint8_t>(
                    std::stoul(hex.substr(2 * i, 2), nullptr, 16));
            md_.has_uuid = true;
        }
    }

    void clock_entry(ClockDesc &c, const std::string &key) {
        expect("=");
        const std::string v = value();
        if (key == "name")
            c.name = v;
        else if (key == "freq")
            c.freq = static_cast<std::uint64_t>(to_int(v));
        else if (key == "offset")
            c.offset = to_int(v);
        else if (key == "offset_s")
            c.offset_s = to_int(v);
        else if (key == "uuid")
            c.uuid = v;
        else if (key == "absolute" || key == "description" || key == "precision")
            ;
        else
            throw Unsupported("clock attribute `" + key + "`");
    }

    void stream_entry(StreamClassDesc &s, const std::string &key) {
        if (key == "id") {
            expect("=");
            s.id = static_cast<std::uint64_t>(to_int(value()));
            return;
        }
        expect(":=");
        TypePtr t = type_specifier();
        expect(";");
        if (key == "packet.context")
            s.packet_context = t;
        else if (key == "event.header")
            s.event_header = t;
        else if (key == "event.context")
            s.event_context = t;
        else
            throw Unsupported("stream scope `" + key + "`");
    }

    void event_entry(EventClassDesc &e, const std::string &key) {
        if (key == "fields") {
            expect(":=");
            e.payload = type_specifier();
            expect(";");
            return;
        }
        if (key == "context")
            throw Unsupported("event-specific context");
        expect("=");
        const std::string v = value();
        if (key == "name")
            e.name = v;
        else if (key == "id")
            e.id = static_cast<std::uint64_t>(to_int(v));
        else if (key == "stream_id")
            e.stream_id = static_cast<std::uint64_t>(to_int(v));
        // loglevel, model.emf.uri: not part of a record
    }

    TypePtr type_specifier() {
        const Nested nested(*this);
        if (tok_.kind != Token::Ident)
            throw Unsupported("expected a type in the metadata, got `" + tok_.text + "`");
        const std::string w = tok_.text;
        if (w == "integer")
            return integer();
        if (w == "floating_point")
            return floating_point();
        if (w == "string")
            return string_type();
        if (w == "enum")
            return enumeration();
        if (w == "struct")
            return structure();
        if (w == "variant")
            return variant();
        // An alias: all words but the declarator that may follow.
        std::string name = ident();
        while (tok_.kind == Token::Ident && aliases_.count(name + " " + tok_.text))
            name += " " + ident();
        const auto it = aliases_.find(name);
        if (it == aliases_.end())
            throw Unsupported("unknown type `" + name + "` in the metadata");
        return it->second;
    }

    template <typename F>
    void attributes(F attr) {
        advance();
        expect("{");
        while (!is("}")) {
            const std::string key = path();
            expect("=");
            attr(key, value());
        }
        advance();
    }

    TypePtr integer() {
        auto t = std::make_shared<Type>();
        t->kind = Type::Kind::Integer;
        bool aligned = false;
        attributes([&](const std::string &k, const std::string &v) {
            if (k == "size")
                t->size = static_cast<unsigned>(to_int(v));
            else if (k == "align") {
                t->align = alignment(to_int(v));
                aligned = true;
            } else if (k == "signed")
                t->is_signed = v == "true" || v == "1" || v == "TRUE";
            else if (k == "base") {
                if (v == "16" || v == "x" || v == "X" || v == "p" || v == "hexadecimal")
                    t->base = 16;
                else if (v == "8" || v == "o" || v == "octal")
                    t->base = 8;
                else if (v == "2" || v == "b" || v == "binary")
                    t->base = 2;
                else
                    t->base = 10;
            } else if (k == "encoding")
                t->text = v == "UTF8" || v == "ASCII" || v == "utf8" || v == "ascii";
            else if (k == "map")
                t->maps_clock = true;
            else if (k == "byte_order") {
                if (v != "le" && v != "native")
                    throw Unsupported("byte order `" + v + "` (only little-endian)");
            } else
                throw Unsupported("integer attribute `" + k + "`");
        });
        if (t->size == 0 || t->size > 64)
            throw Unsupported("integer of " + std::to_string(t->size) + " bits");
        if (!aligned)
            t->align = t->size % 8 == 0 ? 8 : 1;
        return t;
    }

    TypePtr floating_point() {
        auto t = std::make_shared<Type>();
        t->kind = Type::Kind::Float;
        attributes([&](const std::string &k, const std::string &v) {
            if (k == "exp_dig")
                t->exp_dig = static_cast<unsigned>(to_int(v));
            else if (k == "mant_dig")
                t->mant_dig = static_cast<unsigned>(to_int(v));
            else if (k == "align")
                t->align = alignment(to_int(v));
            else if (k == "byte_order") {
                if (v != "le" && v != "native")
                    throw Unsupported("byte order `" + v + "` (only little-endian)");
            } else
                throw Unsupported("floating_point attribute `" + k + "`");
        });
        if (t->exp_dig + t->mant_dig == 32)
            t->size = 32;
        else if (t->exp_dig + t->mant_dig == 64)
            t->size = 64;
        else
            throw Unsupported("floating point of " +
                              std::to_string(t->exp_dig + t->mant_dig) + " bits");
        return t;
    }

    TypePtr string_type() {
        advance();
        auto t = std::make_shared<Type>();
        t->kind = Type::Kind::String;
        t->align = 8;
        if (is("{")) {
            advance();
            while (!is("}")) {
                const std::string key = path();
                expect("=");
                const std::string v = value();
                if (key != "encoding")
                    throw Unsupported("string attribute `" + key + "`");
            }
            advance();
        }
        return t;
    }

    TypePtr enumeration() {
        advance();
        if (tok_.kind == Token::Ident) // a name; LTTng names none
            ident();
        expect(":");
        const TypePtr container = type_specifier();
        if (container->kind != Type::Kind::Integer)
            throw Unsupported("enumeration over a non-integer");
        auto t = std::make_shared<Type>(*container);
        t->is_enum = true;
        expect("{");
        std::int64_t next = 0;
        while (!is("}")) {
            std::string label;
            if (tok_.kind == Token::String) {
                label = tok_.text;
                advance();
            } else {
                label = ident();
            }
            std::int64_t lo = next, hi = next;
            if (is("=")) {
                advance();
                lo = hi = number();
                if (is("...")) {
                    advance();
                    hi = number();
                }
            }
            t->enum_ranges[label] = {lo, hi};
            next = static_cast<std::int64_t>(static_cast<std::uint64_t>(hi) + 1);
            if (is(","))
                advance();
        }
        advance();
        return t;
    }

    std::int64_t number() {
        if (tok_.kind != Token::Number)
            throw Unsupported("expected a number in the metadata, got `" + tok_.text +
                              "`");
        const auto v = to_int(tok_.text);
        advance();
        return v;
    }

    // Members up to `}`: `TYPE name[...];`
    std::vector<Member> members() {
        expect("{");
        std::vector<Member> out;
        while (!is("}")) {
            TypePtr t = type_specifier();
            const std::string name = ident();
            t = declarator_suffix(t);
            expect(";");
            for (const auto &m : out)
                if (m.name == name)
                    throw Unsupported("member `" + name + "` declared twice");
            out.push_back({name, t});
        }
        advance();
        return out;
    }

    // `[N]` or `[length_member]`, possibly repeated (the innermost last).
    TypePtr declarator_suffix(TypePtr t) {
        std::vector<std::string> dims;
        while (is("[")) {
            advance();
            std::string d;
            if (tok_.kind == Token::Number) {
                d = tok_.text;
                advance();
            } else {
                d = "=" + path();
            }
            expect("]");
            dims.push_back(d);
        }
        for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
            auto a = std::make_shared<Type>();
            nest(*a, t->depth);
            a->element = t;
            a->align = t->align;
            if ((*it)[0] == '=') {
                a->kind = Type::Kind::Sequence;
                a->length_name = it->substr(1);
            } else {
                a->kind = Type::Kind::Array;
                const std::int64_t n = to_int(*it);
                if (n < 0 || static_cast<std::uint64_t>(n) > kMaxArrayLength)
                    throw Unsupported("static array of " + *it +
                                      " elements in the metadata");
                a->length = static_cast<std::uint64_t>(n);
            }
            t = a;
        }
        return t;
    }

    TypePtr structure() {
        advance();
        std::string name;
        if (tok_.kind == Token::Ident)
            name = ident();
        if (!is("{")) {
            const auto it = structs_.find(name);
            if (it == structs_.end())
                throw Unsupported("unknown struct `" + name + "`");
            return it->second;
        }
        auto t = std::make_shared<Type>();
        t->kind = Type::Kind::Struct;
        t->align = 1;
        t->members = members();
        unsigned inner = 0;
        for (const auto &m : t->members) {
            t->align = std::max(t->align, m.type->align);
            inner = std::max(inner, m.type->depth);
        }
        nest(*t, inner);
        if (tok_.kind == Token::Ident && tok_.text == "align") {
            advance();
            expect("(");
            t->align = std::max(t->align, alignment(number()));
            expect(")");
        }
        if (!name.empty())
            structs_[name] = t;
        return t;
    }

    TypePtr variant() {
        advance();
        if (tok_.kind == Token::Ident)
            ident();
        auto t = std::make_shared<Type>();
        t->kind = Type::Kind::Variant;
        expect("<");
        t->tag = path();
        expect(">");
        t->members = members();
        t->align = 1; // the selected option's alignment applies
        unsigned inner = 0;
        for (const auto &m : t->members)
            inner = std::max(inner, m.type->depth);
        nest(*t, inner);
        return t;
    }

    Lexer lex_;
    Token tok_;
    unsigned depth_ = 0; // types being parsed, one inside the other
    Metadata md_;
    std::map<std::string, TypePtr> aliases_;
    std::map<std::string, TypePtr> structs_;
};

} // namespace

const Member *Type::member(const std::string &name) const {
    for (const auto &m : members)
        if (m.name == name)
            return &m;
    return nullptr;
}

std::string field_name(const std::string &tsdl_name) {
    return !tsdl_name.empty() && tsdl_name[0] == '_' ? tsdl_name.substr(1) : tsdl_name;
}

std::string read_metadata_text(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Unsupported("cannot open " + path);
    return metadata_text(std::string((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>()));
}

std::string metadata_text(std::string data) {
    std::uint32_t magic = 0;
    if (data.size() >= 4)
        std::memcpy(&magic, data.data(), 4);
    if (magic != kMetadataMagic) {
        if (data.compare(0, 9, "/* CTF 1.") != 0)
            throw Unsupported("metadata is neither TSDL text nor little-endian packets");
        return data;
    }
    std::string text;
    for (size_t at = 0; at < data.size();) {
        if (data.size() - at < kMetadataHeader)
            throw Unsupported("metadata ends inside a packet header");
        std::uint32_t m, content_bits, packet_bits;
        std::memcpy(&m, data.data() + at, 4);
        std::memcpy(&content_bits, data.data() + at + 24, 4);
        std::memcpy(&packet_bits, data.data() + at + 28, 4);
        const auto *h = reinterpret_cast<const unsigned char *>(data.data() + at);
        if (m != kMetadataMagic || h[32] != 0 || h[33] != 0 || h[34] != 0 ||
            content_bits % 8 != 0 || packet_bits % 8 != 0 ||
            content_bits / 8 < kMetadataHeader || content_bits > packet_bits ||
            packet_bits / 8 > data.size() - at)
            throw Unsupported("metadata packet at byte " + std::to_string(at) +
                              " is not a plain one");
        text.append(data, at + kMetadataHeader, content_bits / 8 - kMetadataHeader);
        at += packet_bits / 8;
    }
    return text;
}

Metadata parse_metadata(const std::string &text) {
    return Parser(text).parse();
}

} // namespace fluxtrace::ctf
